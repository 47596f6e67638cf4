"""API tokens and bots in the admin. A token's text is shown once, when it is made here; the list
never shows it or its digest. Revoking is deleting (through accounts.services)."""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.db import transaction

from accounts import services
from accounts.models import ApiToken, Bot
from accounts.serializers import MAX_EXPIRES_IN_DAYS


class ApiTokenAddForm(forms.ModelForm):
    expires_in_days = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_EXPIRES_IN_DAYS,
        help_text="Days until it stops working; empty: never.",
    )

    class Meta:
        model = ApiToken
        fields = ["user", "name"]


@admin.action(description="Revoke selected tokens")
def revoke_tokens(modeladmin, request, queryset):
    with transaction.atomic():
        count = 0
        for token in queryset:
            services.token_revoke(token=token)
            count += 1
    modeladmin.message_user(request, f"{count} token(s) revoked.", messages.SUCCESS)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "created", "expiry", "last_used_at")
    list_select_related = ("user",)
    list_filter = ("name",)
    search_fields = ("user__username", "name")
    ordering = ("user__username", "id")
    raw_id_fields = ("user",)
    actions = [revoke_tokens]
    # A made token is not edited: what it is for, whose, when it expires are fixed; revoke instead.
    readonly_fields = ("user", "name", "created", "expiry", "last_used_at")

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "name", "expires_in_days"]
        return list(self.readonly_fields)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ()

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # "Revoke selected tokens" does it through the service
        return actions

    def save_model(self, request, obj, form, change):
        if change:
            return  # nothing on the change page is editable
        days = form.cleaned_data.get("expires_in_days")
        created, token = services.token_create(
            user=form.cleaned_data["user"],
            name=form.cleaned_data["name"],
            expires_in=timedelta(days=days) if days else None,
        )
        obj.pk = created.pk
        self.message_user(
            request,
            f"The token (shown once; send it as `Bearer <token>`): {token}",
            messages.WARNING,
        )

    def delete_model(self, request, obj):
        services.token_revoke(token=obj)


@admin.register(Bot)
class BotAdmin(admin.ModelAdmin):
    list_display = ("user", "boards", "created_by", "created_at")
    list_select_related = ("user", "created_by")
    search_fields = ("user__username",)
    readonly_fields = ("user", "created_by", "created_at")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("user__board_memberships__board")

    @admin.display(description="Boards (role)")
    def boards(self, bot: Bot) -> str:
        return ", ".join(
            f"{membership.board} ({membership.role})"
            for membership in bot.user.board_memberships.all()
        )

    # Bots are made by board owners (board settings, POST /boards/{id}/bots/, api_token --bot), and
    # removed from their boards the same way; deleting the Bot row alone would leave a user with
    # working tokens behind.
    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
