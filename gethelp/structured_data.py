"""schema.org JSON-LD for company pages."""

from django.conf import settings

from directory.models import ContactChannel

SCHEMA_DAYS = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}


def organization_json_ld(company):
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": company.name,
        "url": company.website or f"{settings.SITE_URL}{company.get_absolute_url()}",
        "contactPoint": [contact_point(c) for c in company.active_channels],
    }
    if company.aliases:
        data["alternateName"] = company.aliases
    if company.description:
        data["description"] = company.description
    return data


def contact_point(channel):
    point = {
        "@type": "ContactPoint",
        "contactType": channel.get_department_display().lower(),
    }
    if channel.kind == ContactChannel.Kind.PHONE:
        point["telephone"] = channel.value
    elif channel.kind == ContactChannel.Kind.EMAIL:
        point["email"] = channel.value
    elif channel.href:
        point["url"] = channel.href
    else:
        point["description"] = channel.value
    if channel.country:
        point["areaServed"] = channel.country
    if channel.open_24_7:
        point["hoursAvailable"] = {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": list(SCHEMA_DAYS.values()),
            "opens": "00:00",
            "closes": "23:59",
        }
    elif channel.hours:
        point["hoursAvailable"] = [
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": SCHEMA_DAYS[p["day"]],
                "opens": p["opens"],
                "closes": "23:59" if p["closes"] == "24:00" else p["closes"],
            }
            for p in channel.hours
        ]
    return point
