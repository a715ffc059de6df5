"""The trained gain model: corrections to the Tier 1 prior learnt from data.

* :mod:`.features`: the model's input row (one definition);
* :mod:`.candidates`: every applicable (farm, practice) with its prior and inputs;
* :mod:`.gain_model`: the scikit-learn pipelines and their predictions;
* :mod:`.onnx`: their exact ONNX conversion (the serving fast path);
* :mod:`.distinct_rows`: predicting each distinct input row once (surveys);
* :mod:`.reference_set`: the training set drawn from the Tier 1 engine;
* :mod:`.registry`, :mod:`.provenance`: versioned models on disk and what they were trained on.
"""
