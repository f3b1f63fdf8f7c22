"""Every variant's constructor options: a bad value is refused with an error naming it."""

import pytest

from keras_gans.models import VARIANTS

from .checks import CLASSES, LATENT, SIZE


def tiny(name, **kwargs):
    cls = VARIANTS[name]
    networks = cls.default_networks(SIZE, 1, latent_dim=LATENT, width=4, num_classes=CLASSES if cls.conditional else None)
    return cls(*networks, **({"num_classes": CLASSES} if cls.conditional else {}), seed=0, **kwargs)


@pytest.mark.parametrize("name,kwargs,match", [
    ("gan", {"generator_loss": "wasserstein"}, "generator_loss must be one of 'non_saturating', 'minimax'; got 'wasserstein'"),
    ("gan", {"critic_steps": 0}, "critic_steps must be an int >= 1, got 0"),
    ("gan", {"latent_dim": 3}, "latent_dim=3 but the generator takes inputs of size 8"),
    ("fgan", {"divergence": "total_variation"}, r"divergence must be one of 'kl', .*'gan'; got 'total_variation'"),
    ("fgan", {"critic_steps": 0}, "critic_steps must be an int >= 1, got 0"),
    ("lsgan", {"a": 1.0, "b": 1.0}, r"a \(the fake target\) and b \(the real target\) must differ, got a=1.0, b=1.0"),
    ("lsgan", {"a": "0"}, "a must be a finite number, got '0'"),
    ("lsgan", {"b": float("nan")}, "b must be a finite number, got nan"),
    ("lsgan", {"c": True}, "c must be a finite number, got True"),
    ("lsgan", {"critic_steps": 0}, "critic_steps must be an int >= 1, got 0"),
    ("ragan", {"kind": "hinge"}, "kind must be one of 'standard', 'least_squares'; got 'hinge'"),
    ("ragan", {"critic_steps": 0}, "critic_steps must be an int >= 1, got 0"),
    ("dcgan", {"label_smoothing": 1.0}, r"label_smoothing must be a finite number in \[0, 1\), got 1.0"),
    ("dcgan", {"label_smoothing": -0.1}, r"label_smoothing must be a finite number in \[0, 1\), got -0.1"),
    ("dcgan", {"label_smoothing": "0.1"}, r"label_smoothing must be a finite number in \[0, 1\), got '0.1'"),
    ("dcgan", {"feature_matching": "yes"}, "feature_matching must be True or False, got 'yes'"),
    ("dcgan", {"critic_steps": 0}, "critic_steps must be an int >= 1, got 0"),
    ("wgan-gp", {"critic_steps": 0}, "critic_steps must be an int >= 1, got 0"),
    ("wgan-gp", {"gradient_penalty_weight": -1.0}, "gradient_penalty_weight must be a finite number >= 0, got -1.0"),
    ("wgan-gp", {"gradient_penalty_weight": float("inf")}, "gradient_penalty_weight must be a finite number >= 0, got inf"),
    ("wgan-gp", {"critic_steps": True}, "critic_steps must be an int >= 1, got True"),
    ("wgan-gp", {"latent_dim": 16}, "latent_dim=16 but the generator takes inputs of size 8"),
    ("wgan", {"clip_value": float("inf")}, "clip_value must be a finite number > 0, got inf"),
    ("cgan", {"mismatched_pairs": 1}, "mismatched_pairs must be True or False, got 1"),
    ("acgan", {"critic_steps": 1.5}, "critic_steps must be an int >= 1, got 1.5"),
    ("cgan", {"class_names": ["a", "b"]}, r"class_names must be 3 strings, one per class.*got \['a', 'b'\]"),
    ("sagan", {"critic_steps": 0}, "critic_steps must be an int >= 1, got 0"),
    ("biggan", {"ema_decay": 1.0}, r"ema_decay must be a finite number in \[0, 1\), got 1.0"),
    ("biggan", {"ema_start": 1.5}, "ema_start must be an int >= 0, got 1.5"),
    ("biggan", {"orthogonal_weight": float("nan")}, "orthogonal_weight must be a finite number >= 0, got nan"),
])
def test_bad_options_are_refused_naming_the_value(name, kwargs, match):
    with pytest.raises(ValueError, match=match):
        tiny(name, **kwargs)


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_every_option_round_trips_through_the_config(name):
    model = tiny(name)
    config = model.get_config()
    assert set(model.config_keys) <= set(config) and config["critic_steps"] == model.critic_steps
    assert set(type(model).option_names()) >= {"critic_steps", *model.config_keys}
