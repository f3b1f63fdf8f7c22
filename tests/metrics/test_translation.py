"""Translation metrics on digit domains: known translators give known scores."""

import numpy as np
import pytest

from keras_gans.data import DIGIT_DOMAINS
from keras_gans.metrics.translation import evaluate_translation, train_domain_classifier

TWO = ("white-on-black", "black-on-white")
THREE = ("red-on-black", "blue-on-white", "yellow-on-blue")


def perfect(names):
    """The exact translator: source's inverse transform, then the target's transform."""

    def translate(images, target):
        sources = [k for k in range(len(names)) if k != target]
        # Tell the source by the classifier-free rule that each domain's inverse is exact on its own images.
        for source in sources:
            gray = DIGIT_DOMAINS[names[source]].invert(images)
            if np.allclose(DIGIT_DOMAINS[names[source]].apply(gray, images.shape[-1]), images, atol=1e-4):
                return np.asarray(DIGIT_DOMAINS[names[target]].apply(gray, images.shape[-1]))
        return images  # already in the target domain

    return translate


def test_the_exact_translator_scores_like_real_images():
    scores = evaluate_translation(perfect(TWO), TWO, image_size=16, num_images=120)
    assert scores["domain_accuracy"] == 1.0 and scores["cycle_error"] < 1e-5
    # The content read from translations is the digits classifier's accuracy on real digits.
    assert scores["content_accuracy"] == pytest.approx(scores["real_content_accuracy"]) and scores["content_accuracy"] > 0.9
    assert set(scores["pairs"]) == {"white-on-black->black-on-white", "black-on-white->white-on-black"}


def test_failures_are_seen_by_the_metric_they_break():
    # The identity lands in the wrong domain (0 domain accuracy) and reads as no digit there,
    # yet its cycle is perfect: the three metrics measure different things.
    identity = evaluate_translation(lambda x, t: x, TWO, image_size=16, num_images=120)
    assert identity["domain_accuracy"] == 0.0 and identity["cycle_error"] == 0.0
    assert identity["content_accuracy"] < 0.2
    # Right domain, wrong content: the exact translation of the image flipped upside down.
    exact = perfect(TWO)
    flipped = evaluate_translation(lambda x, t: exact(x[:, ::-1], t), TWO, image_size=16, num_images=120)
    assert flipped["domain_accuracy"] == 1.0 and flipped["content_accuracy"] < 0.5
    # A constant image of the target's background: right domain by colour, no digit, no cycle.
    blank = evaluate_translation(lambda x, t: np.full_like(x, -1.0 if t == 0 else 1.0), TWO, image_size=16,
                                 num_images=120)
    assert blank["content_accuracy"] < 0.3 and blank["cycle_error"] > 0.3


def test_any_number_of_domains_and_shape_errors():
    scores = evaluate_translation(perfect(THREE), THREE, image_size=16, num_images=60)
    assert len(scores["pairs"]) == 6 and scores["domain_accuracy"] == 1.0
    assert train_domain_classifier(THREE, 16).test_accuracy == 1.0
    with pytest.raises(ValueError, match=r"translate\(images, 1\) returned shape \(60, 16, 16\)"):
        evaluate_translation(lambda x, t: x[..., 0], TWO, image_size=16, num_images=60)
