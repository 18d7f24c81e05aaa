from django.urls import path

from materials import views

app_name = "materials"

urlpatterns = [
    path("veiledning/", views.guide, name="guide"),
    path("m/<slug:slug>/", views.short_signup, name="short_signup"),
    path("ansatt/<slug:slug>/plakat/", views.poster, name="poster"),
    path("ansatt/<slug:slug>/kort/", views.card, name="card"),
    path("ansatt/<slug:slug>/materiell/", views.orders, name="orders"),
    path("ansatt/<slug:slug>/materiell/bestill/", views.order, name="order"),
    path("kontor/<slug:slug>/bestillinger/", views.office_orders, name="office_orders"),
    path("kontor/<slug:slug>/materiell/", views.catalogue, name="catalogue"),
    path("kontor/<slug:slug>/materiell/<int:pk>/", views.material, name="material"),
]
