"""Two synthetic foundation-model papers: the facts (gold) and the prose built from them.

Every number and name in the text is formatted from the `record` dict, so the gold
record is exactly what the PDF states. Fields a paper never mentions stay None.
"""

from __future__ import annotations

from typing import Any

from extractor.examples.model import Paper, Section, TableSpec


def _n(value: float) -> str:
    return f"{value:,.0f}"


RADFOUND: dict[str, Any] = {
    "title": "RadFound-3D: A Self-Supervised Foundation Model for CT and MRI Segmentation",
    "year": 2024,
    "model_name": "RadFound-3D",
    "study_type": "new_model",
    "model_category": "vision_only",
    "architecture": ["hierarchical_transformer"],
    "backbone": "Swin-B",
    "parameters_millions": 88.0,
    "pretraining_paradigm": ["masked_image_modeling", "self_supervised_contrastive"],
    "modalities": ["ct", "mri"],
    "anatomical_regions": ["abdomen", "brain", "chest"],
    "pretraining_datasets": [
        {"name": "TotalSegmentator", "size": 1204.0, "size_unit": "volumes", "public": True},
        {"name": "BraTS 2021", "size": 1251.0, "size_unit": "volumes", "public": True},
        {"name": "NorthCT", "size": 38000.0, "size_unit": "volumes", "public": False},
    ],
    "pretraining_data_size": {"size": 40455.0, "size_unit": "volumes"},
    "multi_center": True,
    "downstream_tasks": ["segmentation", "classification"],
    "adaptation": ["full_fine_tuning", "linear_probe"],
    "evaluation_datasets": ["BTCV", "AMOS", "LIDC-IDRI"],
    "results": [
        {
            "task": "segmentation",
            "dataset": "BTCV",
            "metric": "Dice",
            "value": 0.842,
            "setting": "fine_tuned",
        },
        {
            "task": "segmentation",
            "dataset": "AMOS",
            "metric": "Dice",
            "value": 0.861,
            "setting": "fine_tuned",
        },
        {
            "task": "classification",
            "dataset": "LIDC-IDRI",
            "metric": "AUC",
            "value": 0.912,
            "setting": "linear_probe",
        },
    ],
    "federated_learning": False,
    "knowledge_distillation": None,
    "interpretability_analysis": True,
    "external_validation": True,
    "code_available": True,
    "weights_available": True,
}

CHESTCLIP: dict[str, Any] = {
    "title": "ChestCLIP-Adapter: Parameter-Efficient Adaptation of a Vision-Language "
    "Foundation Model to Chest Radiograph Classification",
    "year": 2023,
    "model_name": "ChestCLIP-Adapter",
    "study_type": "adaptation",
    "model_category": "vision_language",
    "architecture": ["clip_based", "vit"],
    "backbone": "ViT-B/16",
    "parameters_millions": 149.6,
    "pretraining_paradigm": ["vision_language_contrastive"],
    "modalities": ["xray"],
    "anatomical_regions": ["chest"],
    "pretraining_datasets": [
        {"name": "MIMIC-CXR", "size": 377110.0, "size_unit": "image_text_pairs", "public": True},
        {"name": "CheXpert", "size": 224316.0, "size_unit": "images", "public": True},
    ],
    "pretraining_data_size": None,
    "multi_center": None,
    "downstream_tasks": ["classification", "retrieval"],
    "adaptation": ["zero_shot", "few_shot", "parameter_efficient_fine_tuning"],
    "evaluation_datasets": ["ChestX-ray14", "RSNA Pneumonia"],
    "results": [
        {
            "task": "classification",
            "dataset": "ChestX-ray14",
            "metric": "AUC",
            "value": 0.812,
            "setting": "zero_shot",
        },
        {
            "task": "classification",
            "dataset": "RSNA Pneumonia",
            "metric": "AUC",
            "value": 0.884,
            "setting": "few_shot",
        },
        {
            "task": "classification",
            "dataset": "ChestX-ray14",
            "metric": "AUC",
            "value": 0.853,
            "setting": "fine_tuned",
        },
    ],
    "federated_learning": None,
    "knowledge_distillation": True,
    "interpretability_analysis": None,
    "external_validation": False,
    "code_available": True,
    "weights_available": False,
}


def radfound_paper() -> Paper:
    r = RADFOUND
    ds = r["pretraining_datasets"]
    res = r["results"]
    return Paper(
        stem="radfound3d_2024",
        title=r["title"],
        short_title="RadFound-3D",
        authors=["Mara Lindqvist", "Tomas Okafor", "Priya Raman", "Lukas Brenner"],
        affiliation="Institute for Medical Image Computing, Example University, Uppsala, Sweden",
        year=r["year"],
        doi="10.5555/litextract.example.0001",
        journal="Journal of Example Medical Imaging",
        abstract=(
            f"Annotated 3D scans are scarce, which limits supervised segmentation models. We "
            f"present {r['model_name']}, a foundation model for computed tomography (CT) and "
            f"magnetic resonance imaging (MRI) built on a {r['backbone']} hierarchical "
            f"transformer backbone with {r['parameters_millions']:.0f} million parameters. "
            f"It was pretrained with masked image modeling combined with a contrastive "
            f"objective on {_n(r['pretraining_data_size']['size'])} unlabelled volumes of the "
            f"abdomen, brain and chest from three hospitals and two public collections. After "
            f"full fine-tuning it reaches a Dice score of {res[0]['value']:.3f} on BTCV and "
            f"{res[1]['value']:.3f} on AMOS, and a linear probe detects malignant lung nodules "
            f"on LIDC-IDRI with an AUC of {res[2]['value']:.3f}."
        ),
        keywords=["foundation model", "self-supervised learning", "segmentation", "CT", "MRI"],
        sections=[
            Section(
                "1 Introduction",
                [
                    "Deep segmentation networks have become the standard tool for delineating "
                    "organs and lesions in volumetric scans, yet each new task still needs "
                    "hundreds of carefully annotated cases. Self-supervised pretraining promises "
                    "to reduce this need by learning general-purpose representations from "
                    "unlabelled images, which hospitals hold in large numbers.",
                    "Most published medical foundation models are trained on two-dimensional "
                    "slices or on a single modality. Volumetric context, however, matters for "
                    "thin or elongated structures such as vessels, the pancreas or the optic "
                    "nerves, and radiology departments acquire both CT and MRI for the same "
                    "patients. We therefore pretrain one three-dimensional encoder on both "
                    "modalities and evaluate it on organ segmentation and nodule classification.",
                    "Our contributions are a well-documented pretraining corpus, a simple "
                    "recipe that combines masked volume reconstruction with a cross-view "
                    "contrastive loss, and an evaluation that includes an external hospital "
                    "whose data were never seen during pretraining or fine-tuning.",
                    "Related work falls into three groups. Convolutional networks pretrained on "
                    "natural images remain a strong baseline for 3D segmentation when they are "
                    "inflated to volumes, but they ignore the statistics of medical intensities. "
                    "Self-supervised methods designed for medical scans, such as rotation "
                    "prediction, inpainting or contrastive learning of neighbouring crops, have "
                    "shown consistent gains with small label budgets. Finally, promptable "
                    "segmentation models trained on very large annotated collections have "
                    "appeared; they need point or box prompts at inference time, which makes "
                    "them less suited to fully automatic pipelines.",
                    "Evaluation practice also differs widely between studies. Many report a "
                    "single internal test split, which can overstate performance when scanners "
                    "and protocols are shared between training and test data. We follow recent "
                    "recommendations and report results on public benchmarks together with an "
                    "external hospital, and we describe the pretraining data in enough detail "
                    "for readers to judge overlap with their own test sets.",
                ],
            ),
            Section("2 Methods", []),
            Section(
                "2.1 Pretraining data",
                [
                    f"The pretraining corpus combines the public {ds[0]['name']} collection "
                    f"({_n(ds[0]['size'])} CT volumes), the public {ds[1]['name']} challenge data "
                    f"({_n(ds[1]['size'])} MRI volumes) and {ds[2]['name']}, a private "
                    "multi-center "
                    f"archive of {_n(ds[2]['size'])} CT volumes from three university hospitals "
                    f"that cannot be shared. In total, {_n(r['pretraining_data_size']['size'])} "
                    "volumes covering the abdomen, brain and chest were used. No labels were used "
                    "during pretraining.",
                ],
            ),
            Section(
                "2.2 Model architecture",
                [
                    f"{r['model_name']} uses a {r['backbone']} encoder, a hierarchical "
                    "transformer with shifted windows, extended to three dimensions with "
                    "patches of 2 x 4 x 4 voxels. The encoder has "
                    f"{r['parameters_millions']:.0f} million parameters. A light convolutional "
                    "decoder with skip connections is attached for segmentation, and a linear "
                    "layer on pooled features for classification.",
                ],
            ),
            Section(
                "2.3 Pretraining objective",
                [
                    "We mask 60 percent of the input patches and reconstruct their intensities "
                    "(masked image modeling). In parallel, two augmented crops of the same volume "
                    "are pulled together in embedding space with an InfoNCE loss, a "
                    "self-supervised contrastive objective. All training was centralised on one "
                    "cluster; no federated learning was used.",
                ],
            ),
            Section(
                "2.4 Downstream evaluation",
                [
                    "Segmentation was evaluated on BTCV and AMOS with full fine-tuning of encoder "
                    "and decoder. Classification of malignant versus benign nodules was evaluated "
                    "on LIDC-IDRI with a linear probe on frozen features. For external "
                    "validation, the fine-tuned AMOS model was applied without changes to scans "
                    "from a fourth hospital that contributed no pretraining or training data.",
                    "Fine-tuning used the AdamW optimiser with a learning rate of 0.0001, a "
                    "cosine schedule and a batch of two volumes of 96 x 96 x 96 voxels. Each "
                    "experiment was repeated with three random seeds and we report the mean. "
                    "Preprocessing resampled all scans to 1.5 mm isotropic spacing and clipped "
                    "CT intensities to the range of soft tissue and bone.",
                ],
            ),
            Section(
                "2.5 Ethics",
                [
                    "The use of the private archive was approved by the ethics committees of the "
                    "three contributing hospitals, which waived informed consent because all "
                    "scans were de-identified before transfer.",
                ],
            ),
            Section(
                "3 Results",
                [
                    "Table 1 summarises the main results. Fine-tuned on BTCV, the model reaches a "
                    f"mean Dice score of {res[0]['value']:.3f}, and on AMOS a Dice score of "
                    f"{res[1]['value']:.3f}. The linear probe on LIDC-IDRI achieves an AUC of "
                    f"{res[2]['value']:.3f}. On the external hospital the Dice score dropped by "
                    "less than two points.",
                    "Attention maps of the last encoder stage concentrate on organ boundaries "
                    "and on the nodules themselves, as shown in Figure 1; we used them for a "
                    "qualitative interpretability analysis with two radiologists.",
                ],
            ),
            Section(
                "4 Discussion",
                [
                    "Pretraining on both CT and MRI did not hurt either modality, and the gains "
                    "were largest for small organs. The main limitation is that the private "
                    "archive cannot be released, so the pretraining cannot be repeated exactly "
                    "by others; the released weights partly compensate for this.",
                    "Future work will add positron emission tomography and report-level text "
                    "supervision, and study how much fine-tuning data the model really needs.",
                ],
            ),
            Section(
                "4.1 Limitations",
                [
                    "The evaluation covers two segmentation benchmarks and one classification "
                    "task; other tasks such as registration or report generation were not "
                    "studied. The external hospital used scanners from the same vendor as one of "
                    "the pretraining sites, so the shift between sites is moderate. Training "
                    "the model required substantial computing resources, which may limit "
                    "reproduction by smaller groups even with the released code.",
                ],
            ),
            Section(
                "4.2 Clinical implications",
                [
                    "A single encoder that serves several organs and both modalities simplifies "
                    "deployment, because one model can be validated and monitored instead of "
                    "many task-specific networks. Prospective studies are needed before the "
                    "model can support clinical decisions.",
                ],
            ),
            Section(
                "5 Conclusion",
                [
                    f"{r['model_name']} is a volumetric foundation model that transfers well to "
                    "segmentation and classification across modalities and hospitals.",
                ],
            ),
            Section(
                "Code and data availability",
                [
                    "Code is available at https://github.com/example-lab/radfound3d and the "
                    "pretrained weights are released under a research licence on the same page.",
                ],
            ),
        ],
        table=TableSpec(
            caption="Table 1. Main downstream results of RadFound-3D.",
            header=["Task", "Dataset", "Metric", "Setting", "Value"],
            rows=[
                ["Segmentation", "BTCV", "Dice", "Fine-tuned", f"{res[0]['value']:.3f}"],
                ["Segmentation", "AMOS", "Dice", "Fine-tuned", f"{res[1]['value']:.3f}"],
                ["Classification", "LIDC-IDRI", "AUC", "Linear probe", f"{res[2]['value']:.3f}"],
            ],
            after_section="3 Results",
        ),
        figure_caption="Figure 1. Attention maps of the last encoder stage on an abdominal "
        "CT scan and a lung nodule.",
        figure_after="3 Results",
        references=[
            "Hatamizadeh A, Nath V, Tang Y, et al. Swin UNETR: Swin transformers for "
            "semantic segmentation of brain tumors in MRI images. BrainLes 2022:272-284.",
            "Wasserthal J, Breit HC, Meyer MT, et al. TotalSegmentator: robust "
            "segmentation of 104 anatomic structures in CT images. Radiol Artif Intell "
            "2023;5:e230024.",
            "He K, Chen X, Xie S, et al. Masked autoencoders are scalable vision learners. "
            "CVPR 2022:16000-16009.",
            "Chen T, Kornblith S, Norouzi M, Hinton G. A simple framework for contrastive "
            "learning of visual representations. ICML 2020:1597-1607.",
            "Ji Y, Bai H, Ge C, et al. AMOS: a large-scale abdominal multi-organ benchmark "
            "for versatile medical image segmentation. NeurIPS 2022.",
        ],
    )


def chestclip_paper() -> Paper:
    r = CHESTCLIP
    ds = r["pretraining_datasets"]
    res = r["results"]
    return Paper(
        stem="chestclip_adapter_2023",
        title=r["title"],
        short_title="ChestCLIP-Adapter",
        authors=["Jun Watanabe", "Elena Petrova", "Samuel Adeyemi"],
        affiliation="Department of Radiology, Example Medical School, Leeds, United Kingdom",
        year=r["year"],
        doi="10.5555/litextract.example.0002",
        journal="Example Letters in Medical AI",
        abstract=(
            "Vision-language foundation models can classify images from text prompts "
            f"without labelled data. We adapt a CLIP-style model with a {r['backbone']} image "
            f"encoder ({r['parameters_millions']:.1f} million parameters in total) to chest "
            f"radiographs. The model was pretrained with a vision-language contrastive "
            f"objective on {ds[0]['name']} and {ds[1]['name']}. {r['model_name']} adds small "
            "adapter layers that are trained while the backbone stays frozen. Zero-shot, it "
            f"reaches an AUC of {res[0]['value']:.3f} on ChestX-ray14; with 16 labelled "
            f"images per class, an AUC of {res[1]['value']:.3f} on RSNA Pneumonia."
        ),
        keywords=["vision-language model", "CLIP", "chest X-ray", "adapters"],
        sections=[
            Section(
                "1 Introduction",
                [
                    "Chest radiography is the most frequent imaging examination worldwide, and "
                    "many findings must be recognised from few examples. Contrastive "
                    "vision-language pretraining aligns images with their radiology reports and "
                    "allows classification by comparing an image with text prompts such as "
                    "'chest radiograph showing pneumonia'.",
                    "Full fine-tuning of such models is expensive and tends to erase their "
                    "zero-shot ability. Adapters, small bottleneck layers inserted into a frozen "
                    "network, are a parameter-efficient alternative that we study here.",
                    "Earlier work on chest radiographs trained convolutional classifiers on "
                    "large labelled collections whose labels were mined from reports with "
                    "rule-based tools. Such labels are noisy, and the classifiers cover a fixed "
                    "list of findings. Contrastive models trained on image-report pairs avoid "
                    "both problems, because any finding that can be described in words can be "
                    "queried, but their accuracy often lags behind supervised models when "
                    "labelled data are available.",
                    "The question for practice is therefore how to combine the flexibility of "
                    "text prompts with the accuracy of supervision from a small number of "
                    "labelled images, without retraining the whole network for every hospital "
                    "or finding. We compare zero-shot use, few-shot adaptation and adapter "
                    "fine-tuning on the same benchmarks.",
                ],
            ),
            Section("2 Methods", []),
            Section(
                "2.1 Base model and pretraining data",
                [
                    f"The base model pairs a {r['backbone']} vision transformer with a text "
                    f"transformer; together they have {r['parameters_millions']:.1f} million "
                    f"parameters. It was pretrained with a symmetric vision-language contrastive "
                    f"loss on {_n(ds[0]['size'])} image-report pairs from {ds[0]['name']} and "
                    f"{_n(ds[1]['size'])} images from {ds[1]['name']} whose labels were turned "
                    "into short sentences. Both datasets are publicly available.",
                ],
            ),
            Section(
                "2.2 Adapters and distillation",
                [
                    "We insert adapters after every attention block and train only them, which "
                    "is parameter-efficient fine-tuning. To obtain a model for bedside devices "
                    "we then apply knowledge distillation from the adapted model into a "
                    "smaller student network.",
                ],
            ),
            Section(
                "2.3 Evaluation",
                [
                    "We evaluate zero-shot classification with text prompts, few-shot "
                    "classification with 16 labelled images per class, adapter fine-tuning, "
                    "and image-to-report retrieval. Evaluation datasets are ChestX-ray14 and "
                    "RSNA Pneumonia. All test images come from the official test splits; no "
                    "external validation on other hospitals was performed.",
                    "Prompts were written by a radiologist before any results were seen and "
                    "were kept fixed for all experiments. Adapter training used a learning rate "
                    "of 0.001, a batch of 64 images and early stopping on the validation split. "
                    "Confidence intervals were obtained with 1,000 bootstrap samples of the "
                    "test set.",
                ],
            ),
            Section(
                "3 Results",
                [
                    f"Zero-shot, the model reaches an AUC of {res[0]['value']:.3f} on "
                    f"ChestX-ray14. Few-shot adaptation gives an AUC of {res[1]['value']:.3f} on "
                    f"RSNA Pneumonia, and adapter fine-tuning raises the ChestX-ray14 AUC to "
                    f"{res[2]['value']:.3f} (Table 1). The distilled student loses less than one "
                    "point of AUC.",
                    "Figure 1 shows how the AUC grows with the number of labelled images per "
                    "class.",
                ],
            ),
            Section(
                "4 Discussion",
                [
                    "Adapters keep most of the zero-shot ability while approaching full "
                    "fine-tuning. Because all evaluation data come from public benchmarks, the "
                    "results may overestimate performance in routine care.",
                    "The distilled student is small enough to run on the processors of portable "
                    "radiography units, which could allow triage at the bedside. Its accuracy "
                    "should, however, be confirmed on images acquired with portable devices, "
                    "which differ in exposure and positioning from the benchmark images.",
                    "Prompt wording influenced zero-shot accuracy by up to two points of AUC in "
                    "preliminary experiments on the validation split. Adapter training reduces "
                    "this sensitivity because the adapted model learns from labelled images "
                    "rather than from the prompt alone. Reporting the exact prompts, as we do in "
                    "the supplementary material, is therefore necessary for reproducibility.",
                ],
            ),
            Section(
                "4.1 Limitations",
                [
                    "Labels of the public benchmarks were derived from reports by automatic "
                    "tools and contain errors. Only two evaluation datasets were used, both "
                    "from North American hospitals, and performance for children or for "
                    "portable radiographs is unknown.",
                ],
            ),
            Section(
                "5 Conclusion",
                [
                    "Parameter-efficient adaptation makes a general vision-language model a "
                    "strong chest radiograph classifier with little labelled data.",
                ],
            ),
            Section(
                "Code availability",
                [
                    "Code is available at https://github.com/example-lab/chestclip-adapter. The "
                    "adapted weights are not released because of the licence of the base model.",
                ],
            ),
        ],
        table=TableSpec(
            caption="Table 1. Classification AUC of ChestCLIP-Adapter by adaptation setting.",
            header=["Dataset", "Setting", "AUC"],
            rows=[
                ["ChestX-ray14", "Zero-shot", f"{res[0]['value']:.3f}"],
                ["RSNA Pneumonia", "Few-shot (16 per class)", f"{res[1]['value']:.3f}"],
                ["ChestX-ray14", "Adapter fine-tuning", f"{res[2]['value']:.3f}"],
            ],
            after_section="3 Results",
        ),
        figure_caption="Figure 1. AUC on RSNA Pneumonia against the number of labelled "
        "images per class.",
        figure_after="3 Results",
        references=[
            "Radford A, Kim JW, Hallacy C, et al. Learning transferable visual models from "
            "natural language supervision. ICML 2021:8748-8763.",
            "Johnson AEW, Pollard TJ, Berkowitz SJ, et al. MIMIC-CXR, a de-identified "
            "publicly available database of chest radiographs with free-text reports. Sci "
            "Data 2019;6:317.",
            "Irvin J, Rajpurkar P, Ko M, et al. CheXpert: a large chest radiograph dataset "
            "with uncertainty labels and expert comparison. AAAI 2019;33:590-597.",
            "Houlsby N, Giurgiu A, Jastrzebski S, et al. Parameter-efficient transfer "
            "learning for NLP. ICML 2019:2790-2799.",
        ],
    )
