"""eval: trendminer's own quality measured on labelled data, one module per ``trendminer eval`` command.

- ``data``        -- finding and reading the shared labelled sets; cached embeddings.
- ``topics``      -- the topic stage against labelled intents (NMI, ARI, accuracy).
- ``labels``      -- do topic labels name their topics' intents (label top-1 / top-3).
- ``sentiment``   -- the shipped sentiment model on Senti4SD (macro-F1).
- ``attribution`` -- system attribution on the hand-labelled sample slice.
- ``redaction``   -- personal-data redaction on a seeded, labelled set.
- ``irritation``  -- the text irritation score on GoEmotions, Senti4SD or any labelled CSV (AUC, macro-F1, ECE).

Evaluations get their tickets through :func:`trendminer.pipeline.load_tickets` like a run.
"""
