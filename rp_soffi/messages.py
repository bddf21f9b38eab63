"""Every French text of SOFFi that code produces (templates hold the pages' own wording), by key."""

# Consistency rules (soffi.md §6), verbatim.
AMOUNT_FORMAT = "Montant invalide : saisissez un nombre avec au plus deux décimales (ex. 1 234,56)."
NEGATIVE_AMOUNT = "Le montant de la ligne {code} ne peut pas être négatif."
COUNT_FORMAT = "Le nombre doit être un entier positif ou nul."
LINE_REQUIRED = "La ligne {code} « {label} » est obligatoire (saisissez 0 si sans objet)."
TOTAL_INCORRECT = "Le total {code} ne correspond pas à la somme des lignes."
AMOUNT_WITHOUT_COUNT = "Ligne {code} : un montant sans nombre (ou l'inverse) n'est pas accepté."
MANAGEMENT_FEES = "Les frais de gestion représentent {p} % des ressources : merci de justifier en commentaire."
NEGATIVE_TREASURY = "Trésorerie négative : vérifiez la saisie."
VARIATION = "Variation de {p} % par rapport à l'exercice {previous}."
CERTIFIED_ACCOUNTS = "Joignez les comptes annuels certifiés avant de déposer."
CAMPAIGN_CLOSED = "La campagne est close : contactez la DGEFP."
ATTACHMENT_FORMAT = "Format accepté : PDF, XLSX ou CSV, 10 Mo maximum."

# Permissions (soffi.md §2), verbatim.
FORBIDDEN = "Vous n'avez pas les droits pour cette action."

# State machine (design: soffi.md §4 gives no wording for these refusals).
WRONG_STATE = "Cette action n'est pas possible sur un état au statut « {status} »."
COMMENT_REQUIRED = "Saisissez un commentaire expliquant votre décision."

# Import of a statement file (design: soffi.md §7 names the errors, not their wording).
IMPORT_TOO_LARGE = "Le fichier dépasse {limit} ko : importez l'état d'un seul organisme."
IMPORT_TOO_MANY_ROWS = "Le fichier compte plus de {limit} lignes."
IMPORT_NOT_UTF8 = "Le fichier doit être un CSV encodé en UTF-8 (enregistrez-le au format « CSV UTF-8 »)."
IMPORT_HEADER = "La première ligne doit être l'en-tête : {header}."
IMPORT_COLUMNS = "La ligne doit compter {count} colonnes séparées par des points-virgules."
IMPORT_EMPTY = "Le fichier ne contient aucune ligne d'état."
IMPORT_WRONG_EXERCICE = "L'exercice {found} ne correspond pas à celui de l'état ({expected})."
IMPORT_WRONG_SIREN = "Le SIREN {found} ne correspond pas à celui de l'organisme ({expected})."
IMPORT_UNKNOWN_CODE = "Code de ligne inconnu pour un organisme de ce type : {code}."
IMPORT_DUPLICATE = "La ligne {code} figure plusieurs fois dans le fichier."
IMPORT_NO_AMOUNT = "La ligne {code} ne comporte pas de montant : laissez la colonne vide."
IMPORT_NO_COUNT = "La ligne {code} ne comporte pas de nombre : laissez la colonne vide."
IMPORT_COMMENT_TOO_LONG = "Le commentaire dépasse {limit} caractères."

# Services (design: soffi.md gives no wording for these).
STALE = (
    "Cet état a été modifié depuis que vous l'avez ouvert (dans un autre onglet ou par une autre personne) : vos "
    "changements n'ont pas été enregistrés. Rechargez la page pour voir la dernière version."
)
CERTIFICATION_REQUIRED = "Cochez la case certifiant l'exactitude des informations déclarées pour déposer l'état."
ALERTS_NOT_ACKNOWLEDGED = "Cochez « J'ai pris connaissance des alertes » pour déposer l'état malgré les alertes."
NOT_REFERENCED = "Votre organisme n'est pas référencé comme organisme collecteur. Contactez la DGEFP."
STATEMENT_EXISTS = "Un état existe déjà pour cet organisme et cette campagne."
CAMPAIGN_EXISTS = "Une campagne existe déjà pour l'exercice {exercice}."
CAMPAIGN_EXERCICE = "L'exercice doit être compris entre {first} et {last}."
CAMPAIGN_DATES = "La date limite de dépôt doit être postérieure à la date d'ouverture."
CAMPAIGN_WRONG_STATE = "Cette action n'est pas possible sur une campagne au statut « {status} »."
LINE_COMMENT_REQUIRED = "Saisissez le commentaire de la ligne."
LINE_COMMENT_TOO_LONG = "Le commentaire dépasse {limit} caractères."
UNKNOWN_LINE = "Cette ligne ne figure pas dans l'état de cet organisme."
COMMENT_TOO_LONG = "Le commentaire dépasse {limit} caractères."
ATTACHMENT_MISSING = "Le fichier de cette pièce jointe est introuvable ou altéré : contactez l'assistance."
NOT_FOUND = "Cet élément n'existe pas ou plus."
BODY_INVALID = "Saisissez le SIRET du siège (14 chiffres) et la raison sociale (200 caractères au plus)."
BODY_EXISTS = "Cet organisme figure déjà au registre des organismes collecteurs."
