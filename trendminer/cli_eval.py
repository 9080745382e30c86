"""``trendminer eval ...``: the commands that measure trendminer's own quality on labelled data.

Each command parses its options and calls one function of :mod:`trendminer.eval`.
"""
from __future__ import annotations

import json

import click

from .cli_common import _setup_logging, config_option, scheduler_option, set_option, user_errors, with_scheduler
from .config import load_settings


@click.group("eval")
def eval_group() -> None:
    """Measure trendminer's own quality on labelled data.

    Example:

        trendminer eval redaction
    """


@eval_group.command("topics")
@click.argument("path", type=click.Path())
@click.option("--text-col", default="text", show_default=True, help="Column with the texts.")
@click.option("--label-col", default="category", show_default=True, help="Column with the true labels.")
@click.option("--backend", type=click.Choice(["sentence-transformers", "multilingual-e5", "tfidf"]), default=None,
              help="Embedding backend (default: the config's).")
@click.option("--cache", type=click.Path(dir_okay=False), default=None,
              help="DuckDB file to cache the embeddings in between evaluations.")
@config_option
@set_option
@scheduler_option
@user_errors
def eval_topics(path: str, text_col: str, label_col: str, backend: str | None, cache: str | None,
                config: str | None, overrides: tuple[str, ...], scheduler: str | None) -> None:
    """Score the topic stage on a labelled CSV: one JSON line on stdout.

    Prints nmi, ari, acc (Hungarian-matched accuracy), n_topics, remainder_share and
    seconds. Runs the nightly code path: cleaning, embedding, clustering.

    Example:

        trendminer eval topics ../shared/data/banking77/test.csv --text-col text --label-col category
    """
    from .eval.topics import evaluate_topics

    _setup_logging(quiet=True)
    extra = [f"embed.backend={json.dumps(backend)}"] if backend else []
    scores = evaluate_topics(path, text_col, label_col, load_settings(config, [*with_scheduler(overrides, scheduler), *extra]),
                             cache=cache)
    click.echo(json.dumps(scores))


@eval_group.command("redaction")
@click.option("--tickets", "n_tickets", default=150, show_default=True,
              help="Generated tickets (about 2.6 planted personal-data strings each).")
@click.option("--seed", default=0, show_default=True, help="Random seed of the generator.")
@click.option("--show-misses", is_flag=True, help="Print each planted string that was not redacted.")
@config_option
@set_option
@user_errors
def eval_redaction(n_tickets: int, seed: int, show_misses: bool, config: str | None,
                   overrides: tuple[str, ...]) -> None:
    """Print recall and precision of the redaction on a seeded, labelled test set.

    Plants e-mails, phones, IPs, the caller's name, the full names of colleagues who call
    the desk too, employee ids (clean.id_patterns) and (OTHER) the names of people who never
    call, in realistic ticket text next to look-alikes (product names too) that must survive.

    Example:

        trendminer eval redaction --tickets 300 --seed 1
    """
    from .eval.redaction import evaluate, generate_cases

    settings = load_settings(config, overrides)
    score = evaluate(generate_cases(n_tickets, seed), tuple(settings["clean"]["id_patterns"]),
                     others=settings["clean"]["redact_other_names"])
    click.echo("\n".join(score.lines()))
    for miss in score.misses if show_misses else []:
        click.echo(f"  missed {miss}")


@eval_group.command("sentiment")
@click.option("--data", "data_dir", type=click.Path(file_okay=False),
              help="Folder holding senti4sd/. Default: ../shared/data.")
@click.option("--cache", "cache_dir", default=None, type=click.Path(file_okay=False),
              help="Cache the test-split embeddings here. Default: a folder in the system temp dir.")
@config_option
@set_option
@user_errors
def eval_sentiment(data_dir: str | None, cache_dir: str | None, config: str | None,
                   overrides: tuple[str, ...]) -> None:
    """Print the sentiment model's macro-F1 (and per class) on the Senti4SD test split.

    Senti4SD is not shipped; without it the command says so and exits 0.

    Example:

        trendminer eval sentiment --data ../shared/data
    """
    import tempfile
    from pathlib import Path

    from .embed import make_embedder
    from .eval.data import NO_SHARED_DATA, _data_candidates, shared_data_dir
    from .eval.sentiment import sentiment_scores

    _setup_logging(quiet=True)
    found = shared_data_dir(data_dir)
    if found is None:
        places = ", ".join(str(p) for p in _data_candidates(data_dir))
        click.echo("skipped: " + NO_SHARED_DATA.format(places=places), err=True)
        return
    embedder = make_embedder(load_settings(config, overrides), progress=False)
    scores = sentiment_scores(found, embedder.encode, embedder.name,
                              cache_dir or Path(tempfile.gettempdir()) / "trendminer-senti4sd")
    click.echo("sentiment, Senti4SD test split: " + "\n".join(scores.lines()))


@eval_group.command("irritation")
@click.argument("path", required=False, type=click.Path())
@click.option("--text-col", default="text", show_default=True, help="Column with the texts (with PATH).")
@click.option("--label-col", default="label", show_default=True, help="Column with the labels (with PATH).")
@click.option("--irritated-labels", default="irritated,1,true,yes", show_default=True, help="Irritated label values.")
@click.option("--data", "data_dir", type=click.Path(file_okay=False), help="Folder holding goemotions/ and senti4sd/.")
@click.option("--cache", "cache_dir", default=None, type=click.Path(file_okay=False), help="Embedding cache folder.")
@click.option("--csat-col", default=None, metavar="COL",
              help="Satisfaction column (1-5 or good/bad) of PATH: compare the shipped model, the desk's survey head "
                   "and text length on held-out rated tickets. --text-col may name several columns, comma-separated.")
@click.option("--holdout", default=0.5, show_default=True, help="With --csat-col: held-out share of the rated tickets.")
@config_option
@set_option
@user_errors
def eval_irritation(path: str | None, text_col: str, label_col: str, irritated_labels: str, data_dir: str | None,
                    cache_dir: str | None, csat_col: str | None, holdout: float, config: str | None,
                    overrides: tuple[str, ...]) -> None:
    """AUC, macro-F1 and ECE of the irritation score on PATH (labelled CSV), else GoEmotions + Senti4SD test.

    With --csat-col: AUC of the shipped model, the desk's survey head (fitted on the other rated
    tickets) and text length alone, side by side, on held-out rated tickets of PATH.

    Example:

        trendminer eval irritation complaints.csv --text-col body --label-col rating --irritated-labels 1,2

        trendminer eval irritation export.csv --text-col short_description,description --csat-col u_satisfaction
    """
    from .eval.irritation import irritation_command

    _setup_logging(quiet=True)
    if csat_col:
        import tempfile
        from pathlib import Path

        from .eval.survey_head import csat_command

        if not path:
            raise click.UsageError("--csat-col needs PATH, the labelled export.")
        click.echo("\n".join(csat_command(load_settings(config, overrides), path, text_col.split(","), csat_col,
                                          holdout, cache_dir or Path(tempfile.gettempdir()) / "trendminer-csat")))
        return
    lines, notes = irritation_command(load_settings(config, overrides), path, text_col, label_col,
                                      irritated_labels.split(","), data_dir, cache_dir)
    click.echo("\n".join(lines))
    click.echo("\n".join(notes), err=True)


@eval_group.command("attribution")
@click.option("--show-errors", is_flag=True, help="Print each wrongly attributed or missed ticket.")
@config_option
@set_option
@user_errors
def eval_attribution(show_errors: bool, config: str | None, overrides: tuple[str, ...]) -> None:
    """Print precision and recall of system attribution on the hand-labelled sample slice.

    precision = correct attributions / tickets attributed to a catalogued system;
    recall = correct attributions / tickets whose true system is catalogued.
    Labels: data/samples/attribution_labels.csv (350 tickets, 200 with an empty cmdb_ci).

    Example:

        trendminer eval attribution
    """
    from .eval.attribution import attribution_eval

    _setup_logging(quiet=True)
    scores = attribution_eval(load_settings(config, overrides))
    click.echo("\n".join(scores.lines()))
    for ticket, truth, got in scores.errors if show_errors else []:
        click.echo(f"  {ticket}: labelled {truth!r}, attributed {got!r}")


@eval_group.command("knowledge")
@config_option
@set_option
@user_errors
def eval_knowledge(config: str | None, overrides: tuple[str, ...]) -> None:
    """Print precision and recall of the topic-article match on the labelled sample.

    Every how-to / request ticket of the sample is labelled with the published article that
    answers it (data/samples/knowledge_labels.csv). Each labelled group is cut into topic-sized
    chunks (10, 20, 40 tickets); every chunk x published article pair is a match or not.
    Prints the configured threshold's figures, the sweep, and held-out figures (threshold
    chosen on one half of the chunks, scored on the other).

    Example:

        trendminer eval knowledge --set embed.backend=tfidf
    """
    from .knowledge.evaluation import evaluate

    _setup_logging(quiet=True)
    click.echo(evaluate(load_settings(config, overrides)).render())


@eval_group.command("kind")
@click.argument("path", required=False, type=click.Path())
@click.option("--text-col", default="text", show_default=True, help="Column with the texts (with PATH).")
@click.option("--label-col", default="kind", show_default=True,
              help="Column with the kinds (with PATH): failure / howto / request / incident, or type values.")
@click.option("--data", "data_dir", type=click.Path(file_okay=False),
              help="Folder holding endava-tickets/. Default: ../shared/data.")
@click.option("--held-out", default=0.2, show_default=True, help="Share of the Endava tickets held out for scoring.")
@click.option("--labelled", default="0.05,0.2,1", show_default=True,
              help="Shares of the other Endava tickets the simulated desk labels (a head is fitted per share).")
@click.option("--cache", "cache_dir", default=None, type=click.Path(file_okay=False), help="Embedding cache folder.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line instead of text.")
@config_option
@set_option
@user_errors
def eval_kind(path: str | None, text_col: str, label_col: str, data_dir: str | None, held_out: float, labelled: str,
              cache_dir: str | None, as_json: bool, config: str | None, overrides: tuple[str, ...]) -> None:
    """Accuracy and macro-F1 (and F1 per kind) of the ticket kind on labelled tickets.

    Without PATH: the sample against its generator's truth, and the Endava tickets
    (../shared/data, not shipped; skipped when absent) on a held-out split: the generic
    rules and classifier, and a per-desk head fitted on the labelled share of the rest.
    With PATH: a labelled CSV.

    Example:

        trendminer eval kind --data ../shared/data --labelled 0.2,1
    """
    from .eval.kind import kind_command

    _setup_logging(quiet=True)
    lines, notes = kind_command(load_settings(config, overrides), path, text_col, label_col, data_dir, held_out,
                                tuple(float(x) for x in labelled.split(",") if x.strip()), cache_dir, as_json)
    click.echo("\n".join(lines))
    if notes:
        click.echo("\n".join(notes), err=True)
