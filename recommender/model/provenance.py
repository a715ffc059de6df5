"""What a model was trained on, in one plain sentence (model card, ``recommender model show``)."""


def trained_on(manifest: dict) -> str:
    """The data behind the model of ``manifest``, said plainly."""
    training = manifest.get("training") or {}
    rows = training.get("rows") or {}
    data = manifest.get("data") or {}
    if not rows.get("observations"):
        return ("Trained on the reference set only: draws of the IPCC Tier 1 engine, no field observations. "
                "This model reproduces Tier 1 and its uncertainty; it has learnt nothing from fields.")
    files = ", ".join(f"{s['file']} (sha256 {str(s.get('sha256'))[:12]})" for s in data.get("sources", [])) or "?"
    return (f"Trained on the reference set ({rows.get('reference', 0):,} Tier 1 draws) and "
            f"{rows['observations']:,} field observations from {data.get('studies', '?')} studies and "
            f"{data.get('sites', '?')} sites, read from {files}.")
