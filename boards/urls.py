from rest_framework.routers import SimpleRouter

from boards.api import BoardMemberViewSet, BoardViewSet

router = SimpleRouter()
# As tasks.urls: with "/?" every path answers with and without its trailing slash, no redirect.
router.trailing_slash = "/?"
router.register("boards", BoardViewSet, basename="board")
router.register(r"boards/(?P<board_id>[^/]+)/members", BoardMemberViewSet, basename="board-member")

urlpatterns = router.urls
