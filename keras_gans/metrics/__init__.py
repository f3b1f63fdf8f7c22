"""Sample-quality metrics: FID and KID on Inception features, toy mode metrics, precision and recall,
digit metrics.

One import statement per module, so that each can be added without touching the others.
The functions `fid` and `kid` take the names of their modules as package attributes:
`import keras_gans.metrics.fid` as a module works through `importlib.import_module`.
"""

from keras_gans.metrics.fid import (  # noqa: F401
    FeatureStatistics,
    extract_features,
    feature_batches,
    fid,
    frechet_distance,
    frechet_distance_from_features,
)
from keras_gans.metrics.inception import inception_features, preprocess_images  # noqa: F401
from keras_gans.metrics.kid import kid, kid_from_features, mmd2_unbiased, polynomial_kernel  # noqa: F401
from keras_gans.metrics.digits import (  # noqa: F401
    DigitsClassifier,
    class_coverage,
    coverage_from_predictions,
    digits_split,
    evaluate_digits,
    frechet_distance_digits,
    label_accuracy,
    train_digits_classifier,
)
from keras_gans.metrics.modes import mode_counts, mode_metrics  # noqa: F401
from keras_gans.metrics.precision_recall import precision_recall  # noqa: F401
from keras_gans.metrics.translation import DomainClassifier, evaluate_translation, train_domain_classifier  # noqa: F401
