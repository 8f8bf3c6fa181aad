"""replyguard models: dataset loaders, features, training, evaluation and the Scorer."""
