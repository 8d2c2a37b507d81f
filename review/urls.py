"""/review/: the queue, and the decision URLs of every model decided here (built
from the registered `review.pages.ReviewPages`: `<prefix><pk>/`, `…/approve/`,
`…/return/`, named `<name prefix>page`, `…approve`, `…return`)."""

from django.urls import path

from review import views
from review.pages import registered

app_name = "review"
urlpatterns = [path("", views.review_queue, name="queue")]
for pages in registered():
    if pages.url_prefix is None:
        continue
    prefix, name = pages.url_prefix, pages.url_name_prefix
    if pages.page_template:
        urlpatterns.append(path(f"{prefix}<int:pk>/", views.review_page, {"pages": pages}, name=f"{name}page"))
    urlpatterns += [
        path(f"{prefix}<int:pk>/{action}/", views.review_decide, {"pages": pages, "action": action}, name=name + action)
        for action in ("approve", "return")
    ]
