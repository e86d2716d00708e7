import django.contrib.postgres.indexes
import django.db.models.deletion
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from core.migration_ops import PostgresOnlyAddIndex


def index_everyone(apps, schema_editor):
    """The words every young person already known is found by (referrals.search.index_names)."""
    from referrals import matching

    YoungPerson = apps.get_model("referrals", "YoungPerson")
    NameKey = apps.get_model("referrals", "NameKey")
    NameWord = apps.get_model("referrals", "NameWord")
    keys, words = [], {}
    people = YoungPerson.objects.filter(anonymised_at__isnull=True).values_list(
        "pk", "given_name", "family_name", "preferred_name")
    for pk, given, family, preferred in people.iterator(chunk_size=2000):
        for word in matching.words(given, family, preferred):
            keys.append(NameKey(young_person_id=pk, word=word[:100]))
            words.setdefault(word[:100], matching.sounds(word))
        if len(keys) >= 5000:
            NameKey.objects.bulk_create(keys)
            keys = []
    NameKey.objects.bulk_create(keys)
    NameWord.objects.bulk_create([NameWord(word=w, metaphone=m, nysiis=n) for w, (m, n) in words.items()],
                                 batch_size=5000)


class Migration(migrations.Migration):

    dependencies = [
        ('referrals', '0011_draft_deleted'),
    ]

    operations = [
        # pg_trgm is a trusted extension (PostgreSQL 13 and later): the database's owner may create it. On SQLite
        # this does nothing.
        TrigramExtension(),
        migrations.CreateModel(
            name='NameWord',
            fields=[
                ('word', models.CharField(max_length=100, primary_key=True, serialize=False)),
                ('metaphone', models.CharField(max_length=20)),
                ('nysiis', models.CharField(max_length=20)),
            ],
            options={
                'indexes': [models.Index(fields=['word'], name='nameword_word_prefix', opclasses=['varchar_pattern_ops']), models.Index(fields=['metaphone'], name='nameword_metaphone'), models.Index(fields=['nysiis'], name='nameword_nysiis')],
            },
        ),
        PostgresOnlyAddIndex(
            model_name='nameword',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass('word', name='gin_trgm_ops'), name='nameword_word_trgm'),
        ),
        migrations.CreateModel(
            name='NameKey',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('word', models.CharField(max_length=100)),
                ('young_person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='name_keys', to='referrals.youngperson')),
            ],
            options={
                'indexes': [models.Index(fields=['word', 'young_person'], name='namekey_word')],
                'constraints': [models.UniqueConstraint(fields=('young_person', 'word'), name='namekey_one_per_word')],
            },
        ),
        migrations.RunPython(index_everyone, migrations.RunPython.noop, elidable=True),
    ]
