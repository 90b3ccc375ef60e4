"""Awards URLs: each views module keeps its own patterns."""

from awards.views import decisions, digital_signature, nominations

app_name = "awards"

urlpatterns = [
    *nominations.urlpatterns,
    *decisions.urlpatterns,
    *digital_signature.urlpatterns,
]
