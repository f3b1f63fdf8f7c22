import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans.models import TripleGAN

from .checks import _moved, _values, check_export, check_fit, check_keras_round_trip, tiny_dataset

SIZE, LATENT, CLASSES = 8, 4, 3


def tiny(seed=0, **kwargs):
    keras.utils.set_random_seed(seed)
    networks = TripleGAN.default_networks(SIZE, 1, latent_dim=LATENT, width=4, num_classes=CLASSES)
    model = TripleGAN(*networks, num_classes=CLASSES, seed=seed, **kwargs)
    model.compile()
    return model


def data(batches=2):
    return tiny_dataset(batch_size=4, batches=batches, size=SIZE, num_classes=CLASSES, unlabelled=True)


def test_defaults_are_the_authors():
    model = tiny()
    assert (model.alpha, model.pseudo_discriminative_weight, model.unlabelled_entropy_weight) == (0.5, 0.1, 0.3)
    assert model.class_balance_weight == 1e-3 and model.classifier_average == 0.01
    assert model.pseudo_discriminative_start == 300 * 600
    assert set(model.optimizers()) == {"d_optimizer", "g_optimizer", "c_optimizer"}
    for optimizer in model.optimizers().values():
        assert float(optimizer.learning_rate) == pytest.approx(1e-3) and optimizer.beta_1 == 0.5
    assert TripleGAN.defaults.latent_dim == 100


def test_fit_updates_all_three_players_once_per_step():
    model = tiny()
    history = check_fit(model, data(batches=3))
    assert sorted(history.history) == sorted(TripleGAN.metric_names)
    assert int(model.c_optimizer.iterations) == int(model.g_optimizer.iterations) == 3


def test_each_player_moves_only_in_its_own_phase():
    model = tiny()
    real = next(iter(data()))
    steps = {"discriminator": model.discriminator_step, "generator": model.generator_step,
             "classifier": model.classifier_step}
    for phase in steps:
        networks = {name: getattr(model, name).trainable_variables for name in steps}
        before = {name: _values(variables) for name, variables in networks.items()}
        steps[phase](real)
        moved = {name: _moved(before[name], networks[name]) for name in steps}
        assert all(moved.pop(phase)), f"not every {phase} weight moved in its own phase"
        assert not any(flag for flags in moved.values() for flag in flags), f"the {phase} phase moved another player"


def test_the_average_classifier_moves_by_the_rate_towards_the_classifier():
    model = tiny(classifier_average=0.25)
    average = _values(model.average_classifier.weights)
    model.classifier_step(next(iter(data())))
    for before, now, weight in zip(average, model.average_classifier.weights, model.classifier.weights):
        np.testing.assert_allclose(np.array(now), before + 0.25 * (np.array(weight) - before), rtol=1e-5, atol=1e-6)


def test_pseudo_discriminative_loss_counts_from_its_start_step():
    real = next(iter(data()))
    not_yet = float(tiny(pseudo_discriminative_weight=1.0, pseudo_discriminative_start=10**9).classifier_step(real)["c_loss"])
    off = float(tiny(pseudo_discriminative_weight=0.0, pseudo_discriminative_start=0).classifier_step(real)["c_loss"])
    on = float(tiny(pseudo_discriminative_weight=1.0, pseudo_discriminative_start=0).classifier_step(real)["c_loss"])
    assert not_yet == pytest.approx(off, rel=1e-6)
    assert on > off + 0.5  # + the cross-entropy of an untrained classifier on G's pairs, about log 3


def test_argmax_real_weight_moves_the_real_term_to_the_classifiers_argmax_pairs():
    labelled, labels, unlabelled = next(iter(data()))
    relabelled = (CLASSES - 1) - labels  # other labels on the same labelled images

    def d_loss(real_labels, **options):
        return float(tiny(**options).discriminator_step((labelled, real_labels, unlabelled))["d_loss"])

    # the paper's real term reads the labelled pairs; with weight 1 only C's argmax pairs are real
    assert d_loss(labels) != pytest.approx(d_loss(relabelled), rel=1e-6)
    assert d_loss(labels, argmax_real_weight=1.0) == pytest.approx(d_loss(relabelled, argmax_real_weight=1.0), rel=1e-6)
    assert tiny(argmax_real_weight=0.25).get_config()["argmax_real_weight"] == 0.25


def test_pair_logits_pair_every_image_with_every_class():
    model = tiny()
    images = tiny_dataset(batch_size=2, batches=1, size=SIZE)
    images = next(iter(images))
    pairs = model.pair_logits(images, training=False).numpy()
    for k in range(CLASSES):
        expected = model.discriminator([images, tf.fill((2,), k)], training=False).numpy()[:, 0]
        np.testing.assert_allclose(pairs[:, k], expected, rtol=1e-5, atol=1e-6)


def test_round_trip_keeps_the_classifier_its_average_and_optimizer(tmp_path):
    model = tiny()
    batches = data()
    model.fit(batches, verbose=0)
    loaded = check_keras_round_trip(model, batches, tmp_path)
    for a, b in zip(model.c_optimizer.variables, loaded.c_optimizer.variables):
        np.testing.assert_allclose(np.array(b), np.array(a), rtol=1e-5, atol=1e-6, err_msg=a.path)
    images = next(iter(batches))[2].numpy()
    np.testing.assert_array_equal(loaded.classify(images), model.classify(images))
    assert loaded.pseudo_discriminative_start == model.pseudo_discriminative_start


def test_export_writes_the_generator_and_the_classifier(tmp_path):
    from keras_gans.export import export_classifier, read_description

    model = tiny()
    check_export(model, tmp_path)
    path = export_classifier(model, tmp_path / "classifier")
    loaded = tf.saved_model.load(str(path))
    images = next(iter(data()))[2]
    served = loaded.serve(images)
    np.testing.assert_allclose(served["probabilities"].numpy(), model.classify(images, probabilities=True), atol=1e-5)
    np.testing.assert_array_equal(served["labels"].numpy(), model.classify(images))
    assert read_description(path)["output"] == "class probabilities"


def test_labelled_pairs_alone_are_refused_naming_what_it_needs():
    model = tiny()
    with pytest.raises(ValueError, match=r"TripleGAN is semi-supervised: its batches must be \(labelled images, "):
        model.fit(tiny_dataset(batches=2, size=SIZE, num_classes=CLASSES), verbose=0)
    with pytest.raises(ValueError, match="fit it on a dataset of"):
        model.fit(np.zeros((4, SIZE, SIZE, 1), "float32"), np.zeros(4, "int32"), verbose=0)


def test_bad_networks_and_options_are_refused():
    networks = TripleGAN.default_networks(SIZE, 1, latent_dim=LATENT, width=4, num_classes=CLASSES)
    other = TripleGAN.default_networks(SIZE, 1, latent_dim=LATENT, width=4, num_classes=5)[2]
    with pytest.raises(ValueError, match=r"classifier must map images to \(3,\) class logits, got outputs of shape \(5,\)"):
        TripleGAN(*networks[:2], other, num_classes=CLASSES)
    with pytest.raises(ValueError, match=r"alpha must be a finite number in \[0, 1\], got 1.5"):
        TripleGAN(*networks, num_classes=CLASSES, alpha=1.5)
