"""Boards and memberships in the admin, written through boards.services like the API.

A write a service refuses (the default board's deletion, a board's last owner leaving) rolls back
whole (the admin's views run in one transaction) and comes back as an error message on the page.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from boards import services
from boards.models import Board, Membership, Role


class RefusalsAsMessages:
    """For a ModelAdmin: a service's ValidationError while saving or deleting becomes a message."""

    def _refusal(self, request: HttpRequest, error: ValidationError) -> HttpResponse:
        self.message_user(request, " ".join(error.messages), messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except ValidationError as error:
            return self._refusal(request, error)

    def delete_view(self, request, *args, **kwargs):
        try:
            return super().delete_view(request, *args, **kwargs)
        except ValidationError as error:
            return self._refusal(request, error)

    def get_actions(self, request):
        # Bulk deletes would bypass the services (QuerySet.delete): one object at a time instead.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


def _username(membership: Membership) -> str:
    return membership.user.get_username()


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("user",)

    def get_readonly_fields(self, request, obj=None):
        # Who a row is about stays; change their role, or delete the row and add another.
        return (*self.readonly_fields, "user") if obj is not None else self.readonly_fields


@admin.register(Board)
class BoardAdmin(RefusalsAsMessages, admin.ModelAdmin):
    list_display = (
        "id",
        "name",
        "visibility",
        "is_default",
        "escalate_after_reminders",
        "remind_hours_before_due",
        "member_count",
        "created_at",
    )
    list_display_links = ("id", "name")
    list_filter = ("visibility", "is_default")
    search_fields = ("name",)
    fields = (
        "name",
        "visibility",
        "escalate_after_reminders",
        "remind_hours_before_due",
        "is_default",
        "created_at",
    )
    readonly_fields = ("is_default", "created_at")
    inlines = [MembershipInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Board]:
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    @admin.display(description="Members", ordering="member_count")
    def member_count(self, board: Board) -> int:
        return board.member_count

    def has_delete_permission(self, request, obj=None):
        # Requests naming no board act on the default one (boards.services.board_delete).
        if obj is not None and obj.is_default:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            # The admin who creates it owns it, as in the API.
            created = services.board_create(
                name=data["name"],
                visibility=data["visibility"],
                escalate_after_reminders=data["escalate_after_reminders"],
                remind_hours_before_due=data["remind_hours_before_due"],
                actor=request.user,
            )
            obj.pk = created.pk
            return
        changed = {field: data[field] for field in form.changed_data}
        services.board_update(board=obj, **changed)

    def save_related(self, request, form, formsets, change):
        board = form.instance
        for formset in formsets:
            forms = [f for f in formset.forms if f.has_changed() or _deleted(f)]
            # What the admin's change message lists (ModelFormSet.save() would set them).
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            # New members and new owners first, then other changes, then removals: the board
            # keeps an owner all along when one submit hands it over.
            for membership_form in sorted(forms, key=_order):
                saved = _save_membership(request, board, membership_form)
                if _deleted(membership_form):
                    formset.deleted_objects.append(membership_form.instance)
                elif membership_form.instance.pk is None:
                    formset.new_objects.append(saved)
                else:
                    formset.changed_objects.append((saved, membership_form.changed_data))

    def delete_model(self, request, obj):
        services.board_delete(board=obj)


def _deleted(form) -> bool:
    return bool(form.cleaned_data.get("DELETE"))


def _order(form) -> int:
    if _deleted(form):
        return 3
    if form.instance.pk is None:
        return 0
    return 1 if form.cleaned_data.get("role") == Role.OWNER else 2


def _save_membership(request, board: Board, form) -> Membership:
    instance = form.instance
    if _deleted(form):
        if instance.pk is not None:
            services.member_remove(board=board, username=_username(instance), actor=request.user)
        return instance
    data = form.cleaned_data
    if instance.pk is None:
        username = data["user"].get_username()
        return services.member_add(board=board, username=username, role=data["role"])
    if "role" in form.changed_data:
        return services.member_update(board=board, username=_username(instance), role=data["role"])
    return instance


@admin.register(Membership)
class MembershipAdmin(RefusalsAsMessages, admin.ModelAdmin):
    list_display = ("id", "board", "user", "role", "created_at")
    list_display_links = ("id", "board")
    list_filter = ("role", "board")
    search_fields = ("user__username", "board__name")
    list_select_related = ("board", "user")
    autocomplete_fields = ("board", "user")
    fields = ("board", "user", "role", "created_at")
    readonly_fields = ("created_at",)

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "board", "user") if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            created = services.member_add(
                board=data["board"], username=data["user"].get_username(), role=data["role"]
            )
            obj.pk = created.pk
            return
        if "role" in form.changed_data:
            services.member_update(board=obj.board, username=_username(obj), role=data["role"])

    def delete_model(self, request, obj):
        services.member_remove(board=obj.board, username=_username(obj), actor=request.user)
