from django.db import migrations
from django.db.models import Max


def give_every_published_guide_a_revision(apps, schema_editor):
    """Guides written before revisions were kept show their text as a published revision."""
    alias = schema_editor.connection.alias
    Guide = apps.get_model("guides", "Guide")
    GuideRevision = apps.get_model("guides", "GuideRevision")
    for guide in Guide.objects.using(alias).filter(is_published=True, current_revision__isnull=True):
        latest = GuideRevision.objects.using(alias).filter(guide=guide).aggregate(n=Max("revision_number"))["n"]
        revision = GuideRevision.objects.using(alias).create(
            guide=guide,
            revision_number=(latest or 0) + 1,
            summary="The text as it was before revisions were kept",
            title=guide.title,
            body=guide.body,
            difficulty=guide.difficulty,
            estimated_minutes=guide.estimated_minutes,
            channel_ids=sorted(guide.channels.values_list("pk", flat=True)),
            status="approved",
            was_published=True,
        )
        Guide.objects.using(alias).filter(pk=guide.pk).update(current_revision=revision)


class Migration(migrations.Migration):
    dependencies = [("guides", "0007_revision_was_published_superseded")]

    operations = [migrations.RunPython(give_every_published_guide_a_revision, migrations.RunPython.noop)]
