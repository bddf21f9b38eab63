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
