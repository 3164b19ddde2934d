from django.conf import settings


def service(request) -> dict:
    return {
        "service_name": settings.SERVICE_NAME,
        "organisation_name": settings.ORGANISATION_NAME,
        "organisation_short_name": settings.ORGANISATION_SHORT_NAME,
    }
