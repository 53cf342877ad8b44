"""Built-in form `fm_imaging`: foundation models in medical image analysis.

Field names, types and vocabularies are the contract in `shared/forms/fm_imaging.md`.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from schemas.form import Form, form_field

SizeUnit = Literal[
    "images", "volumes", "slides", "patches", "patients", "image_text_pairs", "masks", "other"
]
StudyType = Literal["new_model", "adaptation", "evaluation"]
ModelCategory = Literal["vision_only", "vision_language"]
Architecture = Literal[
    "cnn",
    "vit",
    "hierarchical_transformer",
    "hybrid_cnn_transformer",
    "sam_based",
    "clip_based",
    "multimodal_llm",
    "diffusion",
    "other",
]
PretrainingParadigm = Literal[
    "supervised",
    "self_supervised_contrastive",
    "masked_image_modeling",
    "vision_language_contrastive",
    "generative",
    "instruction_tuning",
    "weakly_supervised",
    "other",
]
Modality = Literal[
    "ct",
    "mri",
    "xray",
    "ultrasound",
    "histopathology",
    "fundus",
    "oct",
    "dermoscopy",
    "endoscopy",
    "pet",
    "mammography",
    "microscopy",
    "other",
]
DownstreamTask = Literal[
    "segmentation",
    "classification",
    "detection",
    "report_generation",
    "vqa",
    "retrieval",
    "registration",
    "reconstruction",
    "survival_prediction",
    "other",
]
Adaptation = Literal[
    "zero_shot",
    "few_shot",
    "linear_probe",
    "full_fine_tuning",
    "parameter_efficient_fine_tuning",
    "prompting",
]
ResultSetting = Literal["zero_shot", "few_shot", "linear_probe", "fine_tuned", "other"]


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PretrainingDataset(_Item):
    name: str | None = form_field("dataset name as written", is_name=True)
    size: float | None = form_field("number of items", tolerance_rel=0.05)
    size_unit: SizeUnit | None = form_field("what `size` counts")
    public: bool | None = form_field("the dataset is publicly available")


class DataSize(_Item):
    size: float | None = form_field("total pretraining data the paper states", tolerance_rel=0.05)
    size_unit: SizeUnit | None = form_field("what `size` counts")


class Result(_Item):
    task: str | None = form_field("downstream task, e.g. segmentation")
    dataset: str | None = form_field("evaluation dataset name")
    metric: str | None = form_field("metric name, e.g. Dice, AUC, accuracy")
    value: float | None = form_field("metric value as printed", tolerance_rel=0.02)
    setting: ResultSetting | None = form_field("how the model was adapted for this result")


class FmImaging(BaseModel):
    """Vision and vision-language foundation models in medical imaging: one record per paper."""

    model_config = ConfigDict(extra="forbid")

    # The absence rule of each yes/no field: a "false" is verifiable only when the paper
    # prints none of these words (a class attribute: outside the form's hash).
    absence_terms: ClassVar[dict[str, tuple[str, ...]]] = {
        "multi_center": (
            "multi-center", "multicenter", "multi-centre", "multicentre", "multiple centers",
            "multiple centres", "multiple institutions", "multiple hospitals",
            "multi-institutional", "multi-site", "multisite", "external cohort",
        ),
        "federated_learning": ("federated",),
        "knowledge_distillation": ("distillation", "distilled", "distil", "distill"),
        "interpretability_analysis": (
            "saliency", "attention map", "attention maps", "grad-cam", "gradcam",
            "interpretability", "interpretable", "explainability", "explainable",
        ),
        "external_validation": (
            "external validation", "externally validated", "external test", "external testing",
            "external cohort", "external dataset", "external datasets", "independent test",
            "independent cohort",
        ),
        "code_available": ("github", "code is available", "source code", "code will be"),
        "weights_available": (
            "weights are", "weights will", "checkpoint", "checkpoints", "huggingface",
            "hugging face", "model is available", "models are available",
        ),
    }  # fmt: skip

    title: str | None = form_field("paper title", group="identity")
    year: int | None = form_field(
        "publication year (or preprint year)", group="identity", tolerance_abs=0
    )
    model_name: str | None = form_field(
        "name of the FM the paper proposes or (for evaluation papers) the main FM studied; "
        "null if unnamed",
        group="identity",
        is_name=True,
    )
    study_type: StudyType | None = form_field(
        "what kind of study this is",
        group="identity",
        choice_definitions={
            "new_model": "proposes a foundation model",
            "adaptation": "adapts an existing FM to a new task or domain",
            "evaluation": "benchmarks existing FMs",
        },
        judged=True,
    )
    model_category: ModelCategory | None = form_field(
        "vision-only or vision-language model",
        group="model",
        judged=True,
    )
    architecture: list[Architecture] | None = form_field(
        "architecture families of the model",
        group="model",
        choice_definitions={"hierarchical_transformer": "Swin and similar"},
        judged=True,
    )
    backbone: str | None = form_field(
        "backbone as written, e.g. ViT-B/16, Swin-T, ResNet-50", group="model", is_name=True
    )
    parameters_millions: float | None = form_field(
        "size of the model in millions of parameters", group="model", tolerance_rel=0.05
    )
    pretraining_paradigm: list[PretrainingParadigm] | None = form_field(
        "how the model was pretrained",
        group="data",
        judged=True,
    )
    modalities: list[Modality] | None = form_field("imaging modalities", group="data", judged=True)
    anatomical_regions: list[str] | None = form_field(
        "e.g. brain, chest, abdomen, retina, whole body", group="data"
    )
    pretraining_datasets: list[PretrainingDataset] | None = form_field(
        "datasets used for pretraining", group="data", align_on=["name"]
    )
    pretraining_data_size: DataSize | None = form_field(
        "the total pretraining data size the paper states", group="data"
    )
    multi_center: bool | None = form_field(
        "training or evaluation data from more than one institution", group="data"
    )
    downstream_tasks: list[DownstreamTask] | None = form_field(
        "tasks the model is evaluated on",
        group="evaluation",
        judged=True,
    )
    adaptation: list[Adaptation] | None = form_field(
        "how the model is adapted to downstream tasks",
        group="evaluation",
        judged=True,
    )
    evaluation_datasets: list[str] | None = form_field(
        "names of the datasets used for downstream evaluation", group="evaluation"
    )
    results: list[Result] | None = form_field(
        "headline results of the proposed/studied FM (at most the 10 the paper stresses)",
        group="evaluation",
        align_on=["task", "dataset", "metric"],
    )
    federated_learning: bool | None = form_field("federated learning is used", group="methods")
    knowledge_distillation: bool | None = form_field(
        "knowledge distillation is used", group="methods"
    )
    interpretability_analysis: bool | None = form_field(
        "saliency/attention maps or other explanation analysis reported", group="methods"
    )
    external_validation: bool | None = form_field(
        "evaluated on data from a source not used in training", group="methods"
    )
    code_available: bool | None = form_field("the paper links its code", group="methods")
    weights_available: bool | None = form_field(
        "the paper states pretrained weights are released", group="methods"
    )


RULES = (
    "2000 <= year <= 2035",
    "parameters_millions > 0",
    "unique(modalities)",
    "unique(anatomical_regions)",
    "unique(downstream_tasks)",
    "unique(evaluation_datasets)",
)

FORM = Form.from_model(
    FmImaging,
    name="fm_imaging",
    version="1.0",
    guidance=(
        "A value the paper does not state is null with status not_reported: never a guess. "
        "List at most the 10 headline results the paper stresses."
    ),
    rules=RULES,
)
