"""
The moderation app takes over six models without moving a row: reports, objections,
watched words and problem reports from forum, measures and moderator notes from
accounts. Each keeps its table (``db_table``); only Django's state moves
(forum 0019 and accounts 0011 drop them from their apps' state after this one).
The content types move with them, so permissions given to groups, admin log
entries and moderation log rows about these items stay valid.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MOVED = {
    "forum": ["report", "objection", "watchedword", "problemreport"],
    "accounts": ["sanction", "moderatornote"],
}


def _move_content_types(apps, *, to_moderation):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for old_app, model_names in MOVED.items():
        source, target = (old_app, "moderation") if to_moderation else ("moderation", old_app)
        for model in model_names:
            if not ContentType.objects.filter(app_label=source, model=model).exists():
                continue  # a new database: the content type is made after migrating, in its new app
            # A row for the target made by an earlier, partial migrate holds nothing yet: the old
            # row, with its permissions and log rows, takes its place.
            ContentType.objects.filter(app_label=target, model=model).delete()
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)
    ContentType.objects.clear_cache()


def content_types_to_moderation(apps, schema_editor):
    _move_content_types(apps, to_moderation=True)


def content_types_back(apps, schema_editor):
    _move_content_types(apps, to_moderation=False)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("forum", "0018_former_member_mentions"),
        ("accounts", "0010_terms_english_text"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='WatchedWord',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('phrase', models.CharField(max_length=100, unique=True, verbose_name='word or phrase')),
                        ('action', models.CharField(choices=[('hold', 'hold for approval'), ('refuse', 'refuse with a message')], default='hold', max_length=8, verbose_name='action')),
                        ('message', models.CharField(blank=True, help_text='Shown to the author when the post is refused; a general message when empty.', max_length=300, verbose_name='message')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                    ],
                    options={
                        'verbose_name': 'watched word',
                        'verbose_name_plural': 'watched words',
                        'db_table': 'forum_watchedword',
                        'ordering': ['phrase'],
                    },
                ),
                migrations.CreateModel(
                    name='ModeratorNote',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('text', models.TextField(max_length=5000, verbose_name='note')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='written')),
                        ('author', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='moderator')),
                        ('member', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='moderator_notes', to=settings.AUTH_USER_MODEL, verbose_name='member')),
                    ],
                    options={
                        'verbose_name': 'moderator note',
                        'verbose_name_plural': 'moderator notes',
                        'db_table': 'accounts_moderatornote',
                        'ordering': ['-created_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Objection',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('text', models.TextField(max_length=5000, verbose_name='objection')),
                        ('state', models.CharField(choices=[('open', 'open'), ('upheld', 'upheld'), ('rejected', 'rejected')], db_index=True, default='open', max_length=16, verbose_name='state')),
                        ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='received')),
                        ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided')),
                        ('decision_note', models.TextField(blank=True, verbose_name='answer')),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                        ('decision', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='objection', to='forum.moderationlog', verbose_name='decision')),
                        ('member', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='objections', to=settings.AUTH_USER_MODEL, verbose_name='member')),
                    ],
                    options={
                        'verbose_name': 'objection',
                        'verbose_name_plural': 'objections',
                        'db_table': 'forum_objection',
                        'ordering': ['created_at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ProblemReport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('contact_email', models.EmailField(blank=True, max_length=254, verbose_name='e-mail address for an answer')),
                        ('page_url', models.CharField(blank=True, max_length=500, verbose_name='page')),
                        ('message', models.TextField(max_length=5000, verbose_name='message')),
                        ('state', models.CharField(choices=[('open', 'open'), ('closed', 'closed')], default='open', max_length=16, verbose_name='state')),
                        ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='received')),
                        ('reporter', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='problem_reports', to=settings.AUTH_USER_MODEL, verbose_name='reporter')),
                    ],
                    options={
                        'verbose_name': 'problem report',
                        'verbose_name_plural': 'problem reports',
                        'db_table': 'forum_problemreport',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='Report',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reason', models.CharField(choices=[('spam', 'spam or advertising'), ('insulting', 'insulting or intimidating'), ('discrimination', 'discrimination'), ('off_topic', 'off-topic'), ('personal_data', 'personal data of others'), ('confidential', 'confidential or non-public government information'), ('other', 'something else (explain below)')], max_length=32, verbose_name='reason')),
                        ('note', models.TextField(blank=True, max_length=2000, verbose_name='explanation')),
                        ('state', models.CharField(choices=[('open', 'open'), ('dismissed', 'dismissed'), ('upheld', 'upheld')], db_index=True, default='open', max_length=16, verbose_name='state')),
                        ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='reported')),
                        ('resolved_at', models.DateTimeField(blank=True, null=True, verbose_name='decided')),
                        ('resolution_note', models.TextField(blank=True, verbose_name='decision')),
                        ('member', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='reports_about', to=settings.AUTH_USER_MODEL, verbose_name='reported member')),
                        ('reply', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='reports', to='forum.reply', verbose_name='reply')),
                        ('reporter', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='reports_made', to=settings.AUTH_USER_MODEL, verbose_name='reporter')),
                        ('resolved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                        ('thread', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='reports', to='forum.thread', verbose_name='thread')),
                    ],
                    options={
                        'verbose_name': 'report',
                        'verbose_name_plural': 'reports',
                        'db_table': 'forum_report',
                        'ordering': ['created_at', 'pk'],
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('member__isnull', True), ('reply__isnull', True), ('thread__isnull', False)), models.Q(('member__isnull', True), ('reply__isnull', False), ('thread__isnull', True)), models.Q(('member__isnull', False), ('reply__isnull', True), ('thread__isnull', True)), _connector='OR'), name='forum_report_one_target'), models.UniqueConstraint(condition=models.Q(('state', 'open'), ('thread__isnull', False)), fields=('reporter', 'thread'), name='forum_report_open_thread_once'), models.UniqueConstraint(condition=models.Q(('reply__isnull', False), ('state', 'open')), fields=('reporter', 'reply'), name='forum_report_open_reply_once'), models.UniqueConstraint(condition=models.Q(('member__isnull', False), ('state', 'open')), fields=('reporter', 'member'), name='forum_report_open_member_once')],
                    },
                ),
                migrations.CreateModel(
                    name='Sanction',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('warning', 'warning'), ('suspension', 'suspension'), ('ban', 'ban')], max_length=16, verbose_name='measure')),
                        ('reason', models.TextField(max_length=2000, verbose_name='reason')),
                        ('rule', models.CharField(blank=True, help_text='Which rule of the terms.', max_length=200, verbose_name='rule')),
                        ('starts_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='from')),
                        ('ends_at', models.DateTimeField(blank=True, help_text='Empty: until lifted.', null=True, verbose_name='until')),
                        ('acknowledged_at', models.DateTimeField(blank=True, null=True, verbose_name='acknowledged')),
                        ('lifted_at', models.DateTimeField(blank=True, null=True, verbose_name='lifted')),
                        ('lift_reason', models.TextField(blank=True, verbose_name='reason for lifting')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                        ('lifted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='lifted by')),
                        ('member', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sanctions', to=settings.AUTH_USER_MODEL, verbose_name='member')),
                    ],
                    options={
                        'verbose_name': 'measure against a member',
                        'verbose_name_plural': 'measures against members',
                        'db_table': 'accounts_sanction',
                        'ordering': ['-starts_at', '-pk'],
                        'indexes': [models.Index(fields=['member', 'kind', 'lifted_at'], name='accounts_sanction_active_idx')],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_types_to_moderation, content_types_back),
    ]
