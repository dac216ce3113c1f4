from django.db import migrations


def add_spanish(apps, schema_editor):
    # The patient side in Spanish (/es/): its pages are translations in this locale.
    Locale = apps.get_model("wagtailcore", "Locale")
    Locale.objects.get_or_create(language_code="es")


class Migration(migrations.Migration):
    dependencies = [
        ("practice", "0006_notices_closures_prices"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(add_spanish, migrations.RunPython.noop)]
