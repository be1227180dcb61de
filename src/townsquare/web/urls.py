from django.contrib.auth.views import LogoutView
from django.urls import path

from townsquare.web.views import accounts, home, moderation, operator, posts

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    path("n/<slug:city>/<slug:slug>/", home.neighborhood, name="neighborhood"),
    # Accounts and verification
    path("signup/", accounts.signup, name="signup"),
    path("welcome/", accounts.welcome, name="welcome"),
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),  # POST only; then home
    path("verify/", accounts.verify, name="verify"),
    path("invitations/<str:token>/", accounts.invitation, name="invitation"),
    path("invite/", accounts.invite, name="invite"),
    path("settings/", accounts.settings_page, name="settings"),
    path("addresses/suggest", accounts.address_suggest, name="address_suggest"),
    # Posts
    path("feed/", posts.feed, name="feed"),
    path("search/", posts.search, name="search"),
    path("posts/new/", posts.new_post, name="post_new"),
    path("posts/<int:post_id>/", posts.post_detail, name="post"),
    path("posts/<int:post_id>/edit/", posts.edit_post, name="post_edit"),
    path("posts/<int:post_id>/delete/", posts.delete_post, name="post_delete"),
    path("posts/<int:post_id>/thank/", posts.thank, name="post_thank"),
    path("posts/<int:post_id>/report/", posts.report, name="post_report"),
    path("posts/<int:post_id>/replies/", posts.reply, name="post_reply"),
    path("posts/<int:post_id>/replies/<int:reply_id>/delete/", posts.delete_reply,
         name="reply_delete"),
    # Moderation
    path("moderation/", moderation.queue, name="moderation"),
    path("moderation/reports/<int:report_id>/dismiss/", moderation.dismiss_report,
         name="report_dismiss"),
    path("posts/<int:post_id>/hide/", moderation.hide_post, name="post_hide"),
    path("posts/<int:post_id>/unhide/", moderation.unhide_post, name="post_unhide"),
    path("posts/<int:post_id>/replies/<int:reply_id>/hide/", moderation.hide_reply,
         name="reply_hide"),
    # Operators
    path("operator/postcards/", operator.postcards, name="operator_postcards"),
    path("operator/postcards/<int:batch_id>.pdf", operator.postcard_pdf,
         name="operator_postcard_pdf"),
    path("operator/leads/", operator.leads, name="operator_leads"),
]
