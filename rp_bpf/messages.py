"""Every French text of Mon Activité Formation that code produces (templates hold the pages' own wording), by key."""

# Consistency rules of the BPF (bpf.md §6), verbatim
NOT_INTEGER = "Saisissez un nombre entier positif ou nul (sans décimales)."
TOO_LARGE = "Saisissez un nombre d'au plus douze chiffres."
PART_CA = "La part du chiffre d'affaires doit être comprise entre 0 et 100 %."
C_TOTAL = "Le total des produits ne correspond pas à la somme des lignes 1 à 11."
C2_TOTAL = "Le total des produits ne correspond pas à la somme des lignes 2a à 2h."
F_TOTALS = "Les totaux des cadres F-1, F-3 et F-4 doivent être identiques (stagiaires et heures)."
DONT = "Une ligne « dont » ne peut pas dépasser la ligne qu'elle détaille."
D_DONT = "Les charges détaillées dépassent le total des charges."
ZERO_MISMATCH = "Ligne {code} : des heures sans stagiaire (ou l'inverse) ne sont pas acceptées."
SPECIALITIES = "Indiquez au plus cinq spécialités, avec un code NSF valide, sans doublon."
PERIOD = "La période de l'exercice comptable est invalide."
ALREADY_TRANSMITTED = "Un bilan a déjà été transmis pour cet exercice : utilisez « Rectifier »."
NO_CHARGES = "Vous déclarez des produits sans charges : vérifiez le cadre D."
G_WITHOUT_C10 = "Stagiaires confiés par un autre organisme sans produit en ligne 10 (ou l'inverse)."
NO_TRAINERS = "Aucun formateur déclaré au cadre E."
HOURS_PER_TRAINEE = "Nombre d'heures par stagiaire inhabituel sur la ligne {code}."
NO_ACTIVITY = "Aucune activité déclarée : votre déclaration d'activité pourra devenir caduque."
NO_ACTIVITY_CHECKBOX = "Je confirme n'avoir eu aucune activité de formation sur l'exercice"
# Not in bpf.md §6 (design): an imported F total that is not the sum of its lines
F_TOTAL_IMPORTED = "Le total de la ligne {code} ne correspond pas à la somme de ses lignes."

# Import of a draft (bpf.md §7; design)
IMPORT_BAD_LINE = "Ligne {line}, code {code} : {reason}"
IMPORT_REFUSED = "Le fichier n'a pas été importé : corrigez les lignes ci-dessous puis importez-le à nouveau."
IMPORT_TOO_LARGE = "Le fichier dépasse {limit} : importez un fichier plus petit."
IMPORT_TOO_MANY_LINES = "Le fichier dépasse {limit} lignes : une ligne par code du bilan suffit."
IMPORT_NOT_UTF8 = "Le fichier doit être encodé en UTF-8."
IMPORT_EMPTY = "Le fichier est vide."
IMPORT_BAD_JSON = "Le fichier JSON est illisible : {detail}."
IMPORT_JSON_NOT_OBJECT = 'Le fichier JSON doit contenir un objet { "code": valeur, … }.'
IMPORT_UNKNOWN_CODE = "code inconnu."
IMPORT_NOT_IMPORTABLE = "ce code ne s'importe pas (cadres A, B et H se saisissent à l'écran)."
IMPORT_DUPLICATE = "code en double (déjà à la ligne {first})."
IMPORT_COLUMNS = "trois colonnes attendues : code;stagiaires_ou_montant;heures."
IMPORT_NOT_INTEGER = "« {value} » n'est pas un nombre entier positif ou nul."
IMPORT_DECIMALS = "« {value} » : saisissez un nombre entier, sans décimales."
IMPORT_MISSING_VALUE = "valeur manquante."
IMPORT_TOO_LARGE_VALUE = "« {value} » dépasse le plus grand nombre accepté (999 999 999 999)."
IMPORT_MISSING_HOURS = "nombre d'heures manquant."
IMPORT_UNEXPECTED_HOURS = "cette ligne est un montant ou un nombre : laissez la colonne des heures vide."
IMPORT_PAIR_EXPECTED = "deux nombres attendus : [stagiaires, heures]."
IMPORT_SPECIALITIES = "au plus cinq spécialités (codes f4_<code NSF>)."

# Services (design)
STALE = (
    "Ces informations ont été modifiées entre-temps (dans un autre onglet ou par une autre personne) : "
    "rechargez la page, vos saisies n'ont pas été enregistrées."
)
NOT_FOUND = "Cette page n'existe pas ou n'est pas accessible avec vos habilitations."
MOTIF_REQUIRED = "Indiquez le motif."
CAMPAIGN_DEADLINE = "La date limite doit être postérieure à la fin de l'exercice."
CAMPAIGN_RECTIFICATION = "La date limite de rectification ne peut pas précéder la date limite de dépôt."
DA_OTHER_SIREN = "Le SIRET doit être celui d'un établissement de votre organisme (même SIREN)."
DA_CODE_POSTAL = "Saisissez un code postal français à cinq chiffres."
DA_STATE = "Cette action n'est pas possible : la déclaration d'activité est « {status} »."
BPF_NEEDS_REGISTRATION = (
    "Votre déclaration d'activité doit être enregistrée par le service régional de contrôle avant la saisie "
    "d'un bilan pédagogique et financier."
)
BPF_NOT_DRAFT = "Ce bilan a été transmis : il ne se modifie plus. Utilisez « Rectifier » pour en corriger les chiffres."
TRANSMIT_BLOCKED = "Le bilan n'a pas été transmis : corrigez les erreurs ci-dessous."
SIGNATAIRE_NOM = "Indiquez le nom et le prénom du signataire."
SIGNATAIRE_QUALITE = "Indiquez la qualité du signataire."
CERTIFY = "Cochez « Je certifie l'exactitude des informations » pour transmettre le bilan."
RECTIFY_NOT_TRANSMITTED = "Seul le dernier bilan transmis peut être rectifié."
RECTIFY_TOO_LATE = (
    "La date limite de rectification de ce bilan est passée : contactez votre service régional de contrôle."
)

# The BPF's documents: receipt « Accusé de réception » (bpf.md §5.3), printable BPF and exports (§7; design)
DOCUMENT_AUTHOR = "Mon Activité Formation"
DOCUMENT_PAGE = "page {number} / {total}"
DOCUMENT_UNKNOWN = "non renseigné"
DOCUMENT_YES = "oui"
DOCUMENT_NO = "non"
RECEIPT_TITLE = "Accusé de réception — Bilan pédagogique et financier {exercice}"
RECEIPT_INTRO = (
    "Mon Activité Formation atteste avoir reçu le bilan pédagogique et financier (cerfa n° 10443) décrit ci-dessous."
)
RECEIPT_NUMBER = "Numéro d'accusé de réception"
RECEIPT_DENOMINATION = "Dénomination"
RECEIPT_SIRET = "N° SIRET"
RECEIPT_NDA = "Numéro de déclaration d'activité"
RECEIPT_EXERCICE = "Exercice comptable"
RECEIPT_EXERCICE_VALUE = "du {du} au {au}"
RECEIPT_TRANSMITTED_AT = "Date et heure de transmission"
RECEIPT_TRANSMITTED_AT_VALUE = "le {day} à {hour}\u00a0h\u00a0{minute} (heure de Paris)"  # « 15 h 32 » never wraps
RECEIPT_TRANSMITTED_BY = "Transmis par"
RECEIPT_THIRD_PARTY = "{name}, tiers-déclarant SIRET {siret} pour le compte de {on_behalf_of}"
RECEIPT_VERSION = "Version"
RECEIPT_VERSION_INITIAL = "initial (version 1)"
RECEIPT_VERSION_RECTIFICATIVE = "rectificatif n° {number} (version {version})"
RECEIPT_DEADLINE = "Délai"
RECEIPT_LATE = "Hors délai"
RECEIPT_ON_TIME = "Dans le délai"
RECEIPT_TOTALS = "Totaux déclarés"
RECEIPT_C_TOTAL = "Total des produits réalisés au titre de la formation professionnelle (cadre C)"
RECEIPT_D_TOTAL = "Total des charges de l'organisme liées à l'activité de formation (cadre D)"
RECEIPT_F1_TOTAL = "Total des stagiaires et des heures de formation suivies (cadre F-1)"
RECEIPT_F1_VALUE = "{count} stagiaires, {hours} heures"
RECEIPT_FINGERPRINT = "Empreinte SHA-256 du bilan transmis"
RECEIPT_FINGERPRINT_HELP = (
    "L'empreinte identifie le contenu exact du bilan transmis : le bilan conservé par l'administration a la "
    "même empreinte. Conservez cet accusé de réception."
)
RECEIPT_FOOTER = "Accusé de réception {number}"
CERFA_TITLE = "Bilan pédagogique et financier {exercice}"
CERFA_SUBTITLE = (
    "Présentation imprimable d'après le cerfa n° 10443*17 : retrace l'activité de l'organisme de formation "
    "pendant l'exercice comptable."
)
CERFA_FOOTER = "Bilan pédagogique et financier {exercice} — {denomination} — N° SIRET {siret}"
CERFA_EXERCICE = "Exercice comptable"
CERFA_C_INTRO = "Produits provenant :"
CERFA_CODE = "Code"
CERFA_AMOUNT = "Montant"
CERFA_PERSONS = "Nombre"
CERFA_PERSONS_HOURS = "Nombre d'heures de formation dispensées"
CERFA_TRAINEES = "Nombre de stagiaires"
CERFA_TRAINEES_HOURS = "Nombre total d'heures de formation suivies par les stagiaires"
CERFA_DONT = "dont {label}"
CERFA_SPECIALITY = "{code_nsf} — {libelle}"

REQUIRED = "Ce champ est obligatoire."
CHOOSE = "Choisissez une réponse."
EMAIL = "Indiquez une adresse électronique valide, par exemple nom@exemple.fr."
NAF = "Le code NAF s'écrit avec quatre chiffres et une lettre, par exemple 85.59A."
DA_DEPOSITED = (
    "Votre déclaration d'activité est déposée : le service régional de contrôle va l'examiner et vous attribuer "
    "votre numéro de déclaration d'activité."
)
DA_CHANGED = "Les modifications de votre déclaration d'activité sont enregistrées."
DA_CEASED = "La cessation d'activité de votre organisme est enregistrée."

# Journal (what the history lists show)
JOURNAL = {
    "declaration:deposited": "Déclaration déposée",
    "declaration:changed": "Déclaration modifiée",
    "declaration:registered": "Déclaration enregistrée",
    "declaration:refused": "Déclaration refusée",
    "declaration:caduque": "Déclaration déclarée caduque",
    "declaration:ceased": "Cessation d'activité déclarée",
    "bpf:started": "Saisie commencée",
    "bpf:imported": "Fichier importé",
    "bpf:transmitted": "Bilan transmis",
    "bpf:rectifying": "Rectification commencée",
    "bpf:reopened": "Bilan rouvert par le service de contrôle",
    "campaign:changed": "Campagne modifiée",
}
DATE = "Indiquez une date valide (JJ/MM/AAAA)."
SAVED = "Vos saisies sont enregistrées."
IMPORT_NO_FILE = "Choisissez un fichier CSV ou JSON à importer."
IMPORTED = "Le fichier est importé : les cadres C à G du bilan sont remplacés par ses chiffres."
TRANSMITTED = "Votre bilan est transmis. Numéro de l'accusé de réception : {number}."
RECTIFYING = "Un bilan rectificatif est créé à partir du bilan transmis : modifiez-le puis transmettez-le."
DA_REGISTERED = "La déclaration est enregistrée sous le numéro {nda}."
DA_REFUSED = "La déclaration est refusée ; l'organisme voit le motif."
DA_CADUQUE = "La déclaration est déclarée caduque."
BPF_REOPENED = "Le bilan est rouvert : l'organisme peut le rectifier puis le transmettre à nouveau."
CAMPAIGN_SAVED = "Les dates de la campagne sont enregistrées."
CADUCITY_BEFORE_DEADLINE = (
    "La date limite de transmission de cette campagne n'est pas passée : aucune déclaration ne peut être déclarée "
    "caduque pour absence de bilan."
)
CADUCITY_MOVED = (
    "La liste a changé depuis l'aperçu (un bilan a été transmis entre-temps) : vérifiez le nouvel aperçu avant de "
    "confirmer."
)
CADUCITY_DONE = "{count} déclaration(s) déclarée(s) caduque(s) ; chaque organisme en est informé par e-mail."
