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
    ("dcgan", {"historical_averaging": -1.0}, "historical_averaging must be a finite number >= 0, got -1.0"),
    ("wgan-gp", {"critic_steps": 0}, "critic_steps must be an int >= 1, got 0"),
    ("wgan-gp", {"gradient_penalty_weight": -1.0}, "gradient_penalty_weight must be a finite number >= 0, got -1.0"),
    ("wgan-gp", {"gradient_penalty_weight": float("inf")}, "gradient_penalty_weight must be a finite number >= 0, got inf"),
    ("wgan-gp", {"critic_steps": True}, "critic_steps must be an int >= 1, got True"),
    ("wgan-gp", {"gradient_penalty_target": -0.5}, "gradient_penalty_target must be a finite number >= 0, got -0.5"),
    ("wgan-gp", {"one_sided": "yes"}, "one_sided must be True or False, got 'yes'"),
    ("dragan", {"gradient_penalty_weight": -1.0}, "gradient_penalty_weight must be a finite number >= 0, got -1.0"),
    ("dragan", {"gradient_penalty_target": float("nan")}, "gradient_penalty_target must be a finite number >= 0, got nan"),
    ("dragan", {"one_sided": 0}, "one_sided must be True or False, got 0"),
    ("triple-gan", {"alpha": 1.5}, r"alpha must be a finite number in \[0, 1\], got 1.5"),
    ("triple-gan", {"classifier_average": 0.0}, r"classifier_average must be a finite number in \(0, 1\], got 0.0"),
    ("triple-gan", {"pseudo_discriminative_start": -1}, "pseudo_discriminative_start must be an int >= 0, got -1"),
    ("triple-gan", {"unlabelled_entropy_weight": -0.3}, "unlabelled_entropy_weight must be a finite number >= 0, got -0.3"),
    ("triple-gan", {"argmax_real_weight": 1.5}, r"argmax_real_weight must be a finite number in \[0, 1\], got 1.5"),
    ("wgan-gp", {"latent_dim": 16}, "latent_dim=16 but the generator takes inputs of size 8"),
    ("wgan", {"clip_value": float("inf")}, "clip_value must be a finite number > 0, got inf"),
    ("cgan", {"mismatched_pairs": 1}, "mismatched_pairs must be True or False, got 1"),
    ("stargan", {"reconstruction_weight": -1.0}, "reconstruction_weight must be a finite number >= 0, got -1.0"),
    ("stargan", {"classification_weight": "1"}, "classification_weight must be a finite number >= 0, got '1'"),
    ("stargan", {"gradient_penalty_weight": float("nan")}, "gradient_penalty_weight must be a finite number >= 0, got nan"),
    ("stargan", {"critic_steps": 0}, "critic_steps must be an int >= 1, got 0"),
    ("acgan", {"critic_steps": 1.5}, "critic_steps must be an int >= 1, got 1.5"),
    ("cgan", {"class_names": ["a", "b"]}, r"class_names must be 3 strings, one per class.*got \['a', 'b'\]"),
    ("ebgan", {"margin": 0}, "margin must be a finite number > 0, got 0"),
    ("ebgan", {"pulling_away_weight": -0.1}, "pulling_away_weight must be a finite number >= 0, got -0.1"),
    ("began", {"diversity_ratio": 0}, r"diversity_ratio must be a finite number in \(0, 1\], got 0"),
    ("began", {"k_learning_rate": -1}, "k_learning_rate must be a finite number >= 0, got -1"),
    ("stylegan", {"r1_gamma": -1.0}, "r1_gamma must be a finite number >= 0, got -1.0"),
    ("stylegan", {"r1_interval": 0}, "r1_interval must be an int >= 1, got 0"),
    ("stylegan", {"style_mixing_probability": 1.5}, r"style_mixing_probability must be a finite number in \[0, 1\], got 1.5"),
    ("stylegan", {"w_average_decay": 1.0}, r"w_average_decay must be a finite number in \[0, 1\), got 1.0"),
    ("stylegan", {"ema_half_life": 0}, "ema_half_life must be a finite number > 0, got 0"),
    ("cyclegan", {"cycle_weight": -1.0}, "cycle_weight must be a finite number >= 0, got -1.0"),
    ("cyclegan", {"identity_weight": float("nan")}, "identity_weight must be a finite number >= 0, got nan"),
    ("cyclegan", {"pool_size": 1.5}, "pool_size must be an int >= 0, got 1.5"),
    ("cyclegan", {"total_steps": 0}, "total_steps must be an int >= 1 or None, got 0"),
    ("cyclegan", {"latent_dim": 8}, "CycleGAN translates images: latent_dim must be None, got 8"),
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
