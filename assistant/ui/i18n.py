"""UI strings in French and English; Gradio picks the browser's language."""

from __future__ import annotations

import gradio as gr

STRINGS = {
    "en": {
        "title": "Editorial assistant",
        "tab_draft": "Draft",
        "tab_review": "Review",
        "tab_campaign": "Campaign",
        "tab_brand": "Brand",
        "brand": "Brand",
        "author": "Your name",
        "campaign": "Campaign",
        "brief": "Brief",
        "networks": "Networks",
        "variants": "Variants per network",
        "publish_at": "Publication (ISO 8601, e.g. 2026-12-01T10:00+01:00)",
        "generate": "Generate",
        "edit": "Edit the text",
        "save": "Save and re-check",
        "submit": "Send to review",
        "status": "Status",
        "network": "Network",
        "refresh": "Refresh",
        "variant_id": "Variant id",
        "reviewer": "Reviewer",
        "role": "Role",
        "open": "Open",
        "approve": "Approve",
        "comment": "Comment",
        "request_changes": "Request changes",
        "override_reason": "Override reason",
        "override": "Approve with override",
        "export_format": "Export format",
        "export": "Export",
        "upload_charter": "Validate a charter (YAML)",
    },
    "fr": {
        "title": "Assistant éditorial",
        "tab_draft": "Rédiger",
        "tab_review": "Relire",
        "tab_campaign": "Campagne",
        "tab_brand": "Charte",
        "brand": "Marque",
        "author": "Votre nom",
        "campaign": "Campagne",
        "brief": "Message (brief)",
        "networks": "Réseaux",
        "variants": "Variantes par réseau",
        "publish_at": "Publication (ISO 8601, ex. 2026-12-01T10:00+01:00)",
        "generate": "Générer",
        "edit": "Modifier le texte",
        "save": "Enregistrer et revérifier",
        "submit": "Envoyer en relecture",
        "status": "Statut",
        "network": "Réseau",
        "refresh": "Actualiser",
        "variant_id": "N° de variante",
        "reviewer": "Relecteur",
        "role": "Rôle",
        "open": "Ouvrir",
        "approve": "Approuver",
        "comment": "Commentaire",
        "request_changes": "Demander des modifications",
        "override_reason": "Motif de dérogation",
        "override": "Approuver avec dérogation",
        "export_format": "Format d’export",
        "export": "Exporter",
        "upload_charter": "Valider une charte (YAML)",
    },
}

I18N = gr.I18n(**STRINGS)


def t(key: str) -> object:
    """A translatable label."""
    return I18N(key)
