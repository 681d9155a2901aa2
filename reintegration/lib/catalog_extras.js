// Strings of the Django admin's JavaScript that its Arabic catalog (6.1.3) lacks, kept here so
// `makemessages -d djangojs` puts them in the project's djangojs catalog, which the admin's
// /admin/jsi18n/ merges over its own. Never loaded by a page: a list for the catalog only.
// The msgids are copied exactly from django/contrib/admin/static/admin/js/.

// The time zone note under date and time fields (admin/DateTimeShortcuts.js).
gettext("server");
ngettext(
    "Note: Enter times in the %(timezone)s timezone. (You are %(offset)s hour ahead.)",
    "Note: Enter times in the %(timezone)s timezone. (You are %(offset)s hours ahead.)",
    1,
);
ngettext(
    "Note: Enter times in the %(timezone)s timezone. (You are %(offset)s hour behind.)",
    "Note: Enter times in the %(timezone)s timezone. (You are %(offset)s hours behind.)",
    1,
);
// The calendar's buttons, read by screen readers (admin/DateTimeShortcuts.js, calendar.js).
gettext("Today (%(date)s)");
gettext("Yesterday (%(date)s)");
gettext("Tomorrow (%(date)s)");
gettext("Previous (%(month)s %(year)s)");
gettext("Next (%(month)s %(year)s)");
gettext("%(month)s %(day)s, %(year)s");
gettext("%s (today, current selection)");
gettext("%s (today)");
gettext("%s (current selection)");
// actions.js, when an action is chosen after editing nothing.
gettext("You have selected an action, and you haven’t made any changes on individual fields. You’re probably looking for the Run button rather than the Save button.");
