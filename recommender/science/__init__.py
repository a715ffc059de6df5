"""Scientific process models (RothC) behind the recommendations."""
