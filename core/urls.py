from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "Event Scheduler admin"
admin.site.site_title = "Event Scheduler admin"
admin.site.index_title = "Data"

urlpatterns = [
    # The manager pages arrive with their own issue; until then the admin is the app.
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False), name="home"),
    path("admin/", admin.site.urls),
]
