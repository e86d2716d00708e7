import django.contrib.postgres.indexes
import django.db.models.deletion
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from core.migration_ops import PostgresOnlyAddIndex


def index_everyone(apps, schema_editor):
    """The words every young person already known is found by (referrals.search.name_keys)."""
    from referrals import matching

    YoungPerson = apps.get_model("referrals", "YoungPerson")
    NameKey = apps.get_model("referrals", "NameKey")
    batch = []
    people = YoungPerson.objects.filter(anonymised_at__isnull=True).values_list(
        "pk", "given_name", "family_name", "preferred_name")
    for pk, given, family, preferred in people.iterator(chunk_size=2000):
        for word in matching.words(given, family, preferred):
            metaphone, nysiis = matching.sounds(word)
            batch.append(NameKey(young_person_id=pk, word=word[:100], metaphone=metaphone, nysiis=nysiis))
        if len(batch) >= 5000:
            NameKey.objects.bulk_create(batch)
            batch = []
    NameKey.objects.bulk_create(batch)


class Migration(migrations.Migration):

    dependencies = [
        ('referrals', '0011_draft_deleted'),
    ]

    operations = [
        # pg_trgm is a trusted extension (PostgreSQL 13 and later): the database's owner may create it. On SQLite
        # this does nothing.
        TrigramExtension(),
        migrations.CreateModel(
            name='NameKey',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('word', models.CharField(max_length=100)),
                ('metaphone', models.CharField(max_length=20)),
                ('nysiis', models.CharField(max_length=20)),
                ('young_person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='name_keys', to='referrals.youngperson')),
            ],
            options={
                'indexes': [models.Index(fields=['word'], name='namekey_word', opclasses=['varchar_pattern_ops']), models.Index(fields=['metaphone'], name='namekey_metaphone'), models.Index(fields=['nysiis'], name='namekey_nysiis')],
                'constraints': [models.UniqueConstraint(fields=('young_person', 'word'), name='namekey_one_per_word')],
            },
        ),
        PostgresOnlyAddIndex(
            model_name='namekey',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass('word', name='gin_trgm_ops'), name='namekey_word_trgm'),
        ),
        migrations.RunPython(index_everyone, migrations.RunPython.noop, elidable=True),
    ]
