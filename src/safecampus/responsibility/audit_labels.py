"""How responsibility-letter events read on timelines and in the audit log (see core.audit_render)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safecampus.core.audit_render import Choice, Field, Obj, Verb, register_fields, register_verbs

from .models import PostKind

register_verbs(
    {
        "letter_text.written": Verb(_("Letter text drafted"), "file-earmark-text"),
        "letter_text.published": Verb(_("Letter text published"), "megaphone"),
        "letter_posts.synced": Verb(_("Letter posts brought up to date"), "arrow-repeat"),
        "letter_post.added": Verb(_("Letter post added"), "person-plus"),
        "letter_post.holder_changed": Verb(_("Letter post changed hands"), "person-gear"),
        "letter_post.closed": Verb(_("Letter post closed"), "person-dash"),
        "letter.signed": Verb(_("Responsibility letter signed"), "pen"),
        "letter.countersigned": Verb(_("Responsibility letter countersigned"), "patch-check"),
    }
)
register_fields(
    ["responsibility.lettertext", "responsibility.post", "responsibility.signature", "letter_posts.synced"],
    {
        "kind": Field(_("Post"), Choice(PostKind)),
        "version": _("Version"),
        "title": _("Title"),
        "hash": _("Text hash"),
        "text_hash": _("Text hash"),
        "pdf_sha256": _("PDF hash"),
        "posts_due_again": _("Posts to sign again"),
        "holder": Field(_("Holder"), Obj("accounts.user")),
        "school_year": _("School year"),
        "note": _("Note"),
        "created": _("Posts added"),
        "closed": _("Posts closed"),
        "post": Field(_("Post"), Obj("responsibility.post")),
        "name": pgettext_lazy("signer", "Name"),
        "active": pgettext_lazy("letter post", "Active"),
    },
)
