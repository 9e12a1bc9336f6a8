"""Synthetic NCBI Gene summaries for the genes of ``examples/``, served by ``enrich.testing``.

**Synthetic test data**: written by this project, not copied from NCBI.  Each entry gives
a gene's official symbol, full name, aliases (``OtherAliases``) and designations
(``OtherDesignations``) as NCBI Gene lists them for the human gene, to the best of our
knowledge; lists may be shorter than NCBI's and may differ from its current version.
They make the audit of the examples realistic offline: the evaluation in README's
evidence section is measured on them.

``make-example-records`` writes them to ``enrich/testing/records/genes.json`` beside the
synthetic PubMed records (only the genes the examples give Gene IDs for), plus one
replaced ID (:data:`REPLACED_IDS`), so that following ``CurrentID`` can be tried.
"""

from __future__ import annotations

from typing import Any

from enrich.testing._genes import make_gene_summary

__all__ = ["EXAMPLE_GENES", "REPLACED_IDS", "example_gene_summaries"]

#: Gene ID -> (symbol, full name, aliases, designations); aliases ", "-joined and
#: designations "|"-joined, as NCBI's OtherAliases and OtherDesignations are.
EXAMPLE_GENES: dict[str, tuple[str, str, str, str]] = {
    "7291": (
        "TWIST1", "twist family bHLH transcription factor 1",
        "ACS3, BPES2, BPES3, CRS, CRS1, CSO, SCS, TWIST, bHLHa38",
        "twist-related protein 1|B-HLH DNA binding protein|H-twist|class A basic "
        "helix-loop-helix protein 38|twist basic helix-loop-helix transcription factor 1|"
        "twist homolog 1",
    ),
    "117581": (
        "TWIST2", "twist family bHLH transcription factor 2",
        "AMS, BBRSAY, DERMO1, FFDD3, SETLSS, bHLHa39",
        "twist-related protein 2|class A basic helix-loop-helix protein 39|dermis-expressed "
        "protein 1|twist basic helix-loop-helix transcription factor 2|twist homolog 2",
    ),
    "2146": (
        "EZH2", "enhancer of zeste 2 polycomb repressive complex 2 subunit",
        "ENX-1, ENX1, EZH2b, KMT6, KMT6A, WVS, WVS2",
        "histone-lysine N-methyltransferase EZH2|enhancer of zeste homolog 2|lysine "
        "N-methyltransferase 6",
    ),
    "94234": (
        "FOXQ1", "forkhead box Q1", "HFH1",
        "forkhead box protein Q1|HNF-3/forkhead-like protein 1|hepatocyte nuclear factor 3 "
        "forkhead homolog 1",
    ),
    "3066": (
        "HDAC2", "histone deacetylase 2", "HD2, KDAC2, RPD3, YAF1",
        "histone deacetylase 2|YY1-associated factor 1|transcriptional regulator homolog RPD3",
    ),
    "3091": (
        "HIF1A", "hypoxia inducible factor 1 subunit alpha",
        "HIF-1-alpha, HIF-1A, HIF-1alpha, HIF1, HIF1-ALPHA, MOP1, PASD8, bHLHe78",
        "hypoxia-inducible factor 1-alpha|ARNT-interacting protein|PAS domain-containing "
        "protein 8|basic-helix-loop-helix-PAS protein MOP1|class E basic helix-loop-helix "
        "protein 78|member of PAS protein 1",
    ),
    "3159": (
        "HMGA1", "high mobility group AT-hook 1", "HMG-R, HMGA1A, HMGIY",
        "high mobility group protein HMG-I/HMG-Y|HMG-I(Y)|high mobility group AT-hook protein "
        "1|high mobility group protein A1|high mobility group protein R",
    ),
    "8864": (
        "PER2", "period circadian regulator 2", "FASPS, FASPS1",
        "period circadian protein homolog 2|circadian clock protein PERIOD 2|period homolog 2",
    ),
    "5451": (
        "POU2F1", "POU class 2 homeobox 1", "OCT1, OTF1, oct-1B",
        "POU domain, class 2, transcription factor 1|NF-A1|octamer-binding protein 1|"
        "octamer-binding transcription factor 1",
    ),
    "5629": (
        "PROX1", "prospero homeobox 1", "",
        "prospero homeobox protein 1|homeobox prospero-like protein PROX1",
    ),
    "5970": (
        "RELA", "RELA proto-oncogene, NF-kB subunit", "CMCU, NFKB3, p65",
        "transcription factor p65|NF-kappa-B p65delta3|nuclear factor NF-kappa-B p65 subunit|"
        "nuclear factor of kappa light polypeptide gene enhancer in B-cells 3|v-rel avian "
        "reticuloendotheliosis viral oncogene homolog A",
    ),
    "860": (
        "RUNX2", "RUNX family transcription factor 2",
        "AML3, CBF-alpha-1, CBFA1, CCD, CCD1, CLCD, OSF-2, OSF2, PEA2aA, PEBP2aA",
        "runt-related transcription factor 2|PEA2-alpha A|PEBP2-alpha A|SL3-3 enhancer factor "
        "1 alpha A subunit|acute myeloid leukemia 3 protein|core-binding factor subunit "
        "alpha-1|oncogene AML-3|osteoblast-specific transcription factor 2",
    ),
    "6774": (
        "STAT3", "signal transducer and activator of transcription 3",
        "ADMIO, ADMIO1, APRF, HIES",
        "signal transducer and activator of transcription 3|DNA-binding protein APRF|"
        "acute-phase response factor",
    ),
    "23512": (
        "SUZ12", "SUZ12 polycomb repressive complex 2 subunit", "CHET9, IMMAS, JJAZ1",
        "polycomb protein SUZ12|joined to JAZF1 protein|suppressor of zeste 12 homolog",
    ),
    "1646": (
        "AKR1C2", "aldo-keto reductase family 1 member C2",
        "AKR1C-pseudo, BABP, DD, DD-2, DD/BABP, DD2, DDH2, HAKRD, HBAB, MCDR2, SRXY8",
        "aldo-keto reductase family 1 member C2|3-alpha-HSD3|chlordecone reductase homolog "
        "HAKRD|dihydrodiol dehydrogenase 2|dihydrodiol dehydrogenase/bile acid-binding "
        "protein|type II dihydrodiol dehydrogenase|type III 3-alpha-hydroxysteroid "
        "dehydrogenase",
    ),
    "208": (
        "AKT2", "AKT serine/threonine kinase 2", "HIHGHH, PKBB, PKBBETA, PRKBB, RAC-BETA",
        "RAC-beta serine/threonine-protein kinase|PKB beta|murine thymoma viral (v-akt) "
        "homolog 2|protein kinase Akt-2|protein kinase B beta|rac protein kinase beta|v-akt "
        "murine thymoma viral oncogene homolog 2",
    ),
    "472": (
        "ATM", "ATM serine/threonine kinase", "AT1, ATA, ATC, ATD, ATDC, ATE, TEL1, TELO1",
        "serine-protein kinase ATM|A-T mutated|AT mutated|TEL1, telomere maintenance 1, "
        "homolog|ataxia telangiectasia mutated",
    ),
    "596": (
        "BCL2", "BCL2 apoptosis regulator", "Bcl-2, PPP1R50",
        "apoptosis regulator Bcl-2|protein phosphatase 1, regulatory subunit 50",
    ),
    "648": (
        "BMI1", "BMI1 proto-oncogene, polycomb ring finger", "FLVI2/BMI1, PCGF4, RNF51",
        "polycomb complex protein BMI-1|B lymphoma Mo-MLV insertion region 1 homolog|RING "
        "finger protein 51|polycomb group RING finger protein 4",
    ),
    "100532731": ("COMMD3-BMI1", "COMMD3-BMI1 readthrough", "", "COMMD3-BMI1 readthrough"),
    "960": (
        "CD44", "CD44 molecule (IN blood group)",
        "CDW44, CSPG8, ECMR-III, HCELL, HUTCH-I, IN, LHR, MC56, MDU2, MDU3, MIC4, Pgp1",
        "CD44 antigen|CD44 molecule (Indian blood group)|GP90 lymphocyte homing/adhesion "
        "receptor|Hermes antigen|cell surface glycoprotein CD44|chondroitin sulfate "
        "proteoglycan 8|extracellular matrix receptor III|heparan sulfate proteoglycan|"
        "hematopoietic cell E- and L-selectin ligand|phagocytic glycoprotein 1|phagocytic "
        "glycoprotein I",
    ),
    "999": (
        "CDH1", "cadherin 1", "Arc-1, BCDS1, CD324, CDHE, ECAD, LCAM, UVO",
        "cadherin-1|CAM 120/80|E-cadherin|cadherin 1, E-cadherin (epithelial)|cadherin 1, "
        "type 1, E-cadherin (epithelial)|calcium-dependent adhesion protein, epithelial|"
        "epithelial cadherin|uvomorulin",
    ),
    "1000": (
        "CDH2", "cadherin 2", "ACOGS, ADHD8, ARVD14, CD325, CDHN, CDw325, NCAD",
        "cadherin-2|N-cadherin 1|cadherin 2, type 1, N-cadherin (neuronal)|calcium-dependent "
        "adhesion protein, neuronal|neural cadherin",
    ),
    "1503": (
        "CTPS1", "CTP synthase 1", "CTPS, GATD5, IMD24",
        "CTP synthase 1|CTP synthetase 1|UTP--ammonia ligase 1|cytidine 5'-triphosphate "
        "synthetase",
    ),
    "22943": (
        "DKK1", "dickkopf WNT signaling pathway inhibitor 1", "DKK-1, SK",
        "dickkopf-related protein 1|dickkopf 1 homolog|dickkopf-1 like|hDkk-1",
    ),
    "26052": (
        "DNM3", "dynamin 3", "",
        "dynamin-3|T-dynamin|dynamin, testicular",
    ),
    "2065": (
        "ERBB3", "erb-b2 receptor tyrosine kinase 3", "ErbB-3, FERLK, HER3, LCCS2, MDA-BF-1, "
        "VSCN1, c-erbB-3, c-erbB3, erbB3-S, p180-ErbB3, p45-sErbB3, p85-sErbB3",
        "receptor tyrosine-protein kinase erbB-3|proto-oncogene-like protein c-ErbB-3|"
        "tyrosine kinase-type cell surface receptor HER3",
    ),
    "2099": (
        "ESR1", "estrogen receptor 1", "ER, ESR, ESRA, ESTRR, Era, NR3A1",
        "estrogen receptor|ER-alpha|estradiol receptor|estrogen receptor alpha|estrogen "
        "receptor alpha E1-N2-E2-1-2|nuclear receptor subfamily 3 group A member 1|oestrogen "
        "receptor alpha",
    ),
    "2149": (
        "F2R", "coagulation factor II thrombin receptor", "CF2R, HTR, PAR-1, PAR1, TR",
        "proteinase-activated receptor 1|coagulation factor II (thrombin) receptor|protease-"
        "activated receptor 1|thrombin receptor",
    ),
    "2335": (
        "FN1", "fibronectin 1", "CIG, ED-B, FINC, FN, FNZ, GFND, GFND2, LETS, MSF, SMDCF",
        "fibronectin|cold-insoluble globulin|migration-stimulating factor",
    ),
    "2353": (
        "FOS", "Fos proto-oncogene, AP-1 transcription factor subunit", "AP-1, C-FOS, p55",
        "proto-oncogene c-Fos|FBJ murine osteosarcoma viral oncogene homolog|G0/G1 switch "
        "regulatory protein 7|cellular oncogene fos|transcription factor AP-1 subunit c-Fos",
    ),
    "9518": (
        "GDF15", "growth differentiation factor 15", "GDF-15, MIC-1, MIC1, NAG-1, PDF, PLAB, "
        "PTGFB",
        "growth/differentiation factor 15|NSAID (nonsteroidal anti-inflammatory drug)-"
        "activated protein 1|NSAID-activated gene 1 protein|macrophage inhibitory cytokine 1|"
        "placental TGF-beta|prostate differentiation factor",
    ),
    "3383": (
        "ICAM1", "intercellular adhesion molecule 1", "BB2, CD54, P3.58",
        "intercellular adhesion molecule 1|ICAM-1|cell surface glycoprotein P3.58|major group "
        "rhinovirus receptor",
    ),
    "3611": (
        "ILK", "integrin linked kinase", "HEL-S-28, ILK-1, ILK-2, P59, p59ILK",
        "integrin-linked protein kinase|59 kDa serine/threonine-protein kinase|epididymis "
        "secretory protein Li 28",
    ),
    "3688": (
        "ITGB1", "integrin subunit beta 1", "CD29, FNRB, GPIIA, MDF2, MSK12, VLA-BETA, VLAB",
        "integrin beta-1|fibronectin receptor subunit beta|glycoprotein IIa|integrin VLA-4 "
        "beta subunit|very late activation protein, beta polypeptide",
    ),
    "128209": (
        "KLF17", "KLF transcription factor 17", "ZNF393, Zfp393",
        "Krueppel-like factor 17|zinc finger protein 393|Kruppel like factor 17",
    ),
    "5594": (
        "MAPK1", "mitogen-activated protein kinase 1",
        "ERK, ERK-2, ERK2, ERT1, MAPK2, NS13, P42MAPK, PRKM1, PRKM2, p38, p40, p41, p41mapk, "
        "p42-MAPK",
        "mitogen-activated protein kinase 1|MAP kinase 1|MAP kinase 2|MAP kinase isoform p42|"
        "extracellular signal-regulated kinase 2|mitogen-activated protein kinase 2",
    ),
    "5595": (
        "MAPK3", "mitogen-activated protein kinase 3",
        "ERK-1, ERK1, ERT2, HS44KDAP, HUMKER1A, P44ERK1, P44MAPK, PRKM3, p44-ERK1, p44-MAPK",
        "mitogen-activated protein kinase 3|MAP kinase 3|MAP kinase isoform p44|extracellular "
        "signal-regulated kinase 1|insulin-stimulated MAP2 kinase",
    ),
    "4312": (
        "MMP1", "matrix metallopeptidase 1", "CLG, CLGN",
        "interstitial collagenase|fibroblast collagenase|matrix metalloprotease 1|matrix "
        "metalloproteinase 1 (interstitial collagenase)",
    ),
    "4313": (
        "MMP2", "matrix metallopeptidase 2", "CLG4, CLG4A, MMP-2, MMP-II, MONA, TBE-1",
        "72 kDa type IV collagenase|gelatinase A|matrix metalloproteinase-2|neutrophil "
        "gelatinase",
    ),
    "4602": (
        "MYB", "MYB proto-oncogene, transcription factor", "Cmyb, c-myb, c-myb_CDS, efg",
        "transcriptional activator Myb|myb proto-oncogene protein|v-myb avian myeloblastosis "
        "viral oncogene homolog",
    ),
    "4763": (
        "NF1", "neurofibromin 1", "NFNS, VRNF, WSS",
        "neurofibromin|neurofibromatosis-related protein NF-1|truncated neurofibromin 1",
    ),
    "7025": (
        "NR2F1", "nuclear receptor subfamily 2 group F member 1",
        "BBOAS, BBSOAS, COUP-TF1, COUPTF1, EAR-3, EAR3, ERBAL3, SVP44, TCFCOUP1, TFCOUP1",
        "COUP transcription factor 1|COUP-TF I|V-erbA-related protein 3|nuclear receptor "
        "subfamily 2 group F member 1",
    ),
    "5203": (
        "PFDN4", "prefoldin subunit 4", "C1, PFD4",
        "prefoldin subunit 4|protein C-1",
    ),
    "5906": (
        "RAP1A", "RAP1A, member of RAS oncogene family", "C21KG, G-22K, KREV-1, KREV1, RAP1, "
        "SMGP21",
        "ras-related protein Rap-1A|GTP-binding protein smg p21A|RAS-related protein RAP1A|"
        "Ras-related protein Krev-1",
    ),
    "5934": (
        "RBL2", "RB transcriptional corepressor like 2", "P130, Rb2, p130",
        "retinoblastoma-like protein 2|130 kDa retinoblastoma-associated protein|retinoblastoma-"
        "related protein 2",
    ),
    "8406": (
        "SRPX", "sushi repeat containing protein X-linked", "DRS, ETX1, SRPX1",
        "sushi repeat-containing protein SRPX|downregulated by v-src|sushi-repeat-containing "
        "protein, X chromosome",
    ),
    "7076": (
        "TIMP1", "TIMP metallopeptidase inhibitor 1", "CLGI, EPA, EPO, HCI, TIMP, TIMP-1",
        "metalloproteinase inhibitor 1|collagenase inhibitor|erythroid potentiating activity|"
        "fibroblast collagenase inhibitor|tissue inhibitor of metalloproteinases 1",
    ),
    "4904": (
        "YBX1", "Y-box binding protein 1", "BP-8, CBF-A, CSDA2, CSDB, DBPB, EFI-A, MDR-NF1, "
        "NSEP-1, NSEP1, YB-1, YB1",
        "Y-box-binding protein 1|CCAAT-binding transcription factor I subunit A|DNA-binding "
        "protein B|Y-box transcription factor|enhancer factor I subunit A|major histocompatibility "
        "complex, class II, Y box-binding protein I|nuclease-sensitive element-binding protein 1",
    ),
    "8061": (
        "FOSL1", "FOS like 1, AP-1 transcription factor subunit", "FRA, FRA1, fra-1",
        "fos-related antigen 1|FOS-like antigen 1",
    ),
}  # fmt: skip

#: old Gene ID -> the live one it was merged into, served as NCBI serves a secondary record
#: (made up: no real ID is claimed to have been replaced)
REPLACED_IDS = {"900000001": "7291"}


def example_gene_summaries(gene_ids: set[str]) -> list[dict[str, Any]]:
    """The summaries of ``gene_ids`` that :data:`EXAMPLE_GENES` holds, by ID, then the
    replaced IDs."""
    summaries = []
    for gene_id in sorted(gene_ids & EXAMPLE_GENES.keys(), key=int):
        symbol, name, aliases, designations = EXAMPLE_GENES[gene_id]
        summaries.append(
            make_gene_summary(
                gene_id,
                symbol,
                description=name,
                aliases=[a for a in aliases.split(", ") if a],
                designations=[d for d in designations.split("|") if d],
            )
        )
    for old, current in REPLACED_IDS.items():
        symbol = EXAMPLE_GENES[current][0]
        summaries.append(make_gene_summary(old, symbol, replaced_by=current))
    return summaries
