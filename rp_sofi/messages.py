"""Every French text of SOFI that code produces (templates hold the pages' own wording), by key."""

from shared import forms

# Consistency rules (sofi.md §6)
CERTIFINFO_UNKNOWN = "Ce code Certifinfo n'existe pas."
CERTIFINFO_REPLACED = "Cette certification a été remplacée par {code} : utilisez le nouveau code."
DATE_ORDER = "La date de fin doit être postérieure ou égale à la date de début."
SESSION_IN_PAST = "Une nouvelle session ne peut pas se terminer avant aujourd'hui."
SESSION_OUTSIDE_ACTION = "Les dates de la session doivent être comprises dans la période de l'action."
PERIODS = "Les périodes de formation doivent être comprises dans la session et ne pas se chevaucher."
PLACES_OVER_CAPACITY = "Les places disponibles ne peuvent pas dépasser la capacité d'accueil."
DISPOSITIF_OVER_CAPACITY = "Le nombre de places du dispositif dépasse la capacité de la session."
NO_DURATION = "Renseignez au moins une durée (centre ou entreprise)."
WEEKLY_OVER_TOTAL = "La durée hebdomadaire ne peut pas dépasser la durée totale."
WEEKLY_RANGE = "La durée hebdomadaire doit être comprise entre 1 et 60 heures."
NEGATIVE_DURATION = "La durée doit être un nombre d'heures positif ou nul."
COST = "Le coût stagiaire doit être un montant positif."
INCOMPLETE_BUNDLE = "Chaque action doit comporter au moins une session, et chaque session au moins un dispositif."
SITE_NOT_ACTIVE = "Ce site est en attente de validation par le Carif-Oref."
SITE_NOT_OURS = "Choisissez un site de votre établissement."
LOCKED = "Fiche en attente de validation par le Carif-Oref : modification impossible."
NO_DOMAIN = "Indiquez au moins un domaine de formation."
FORMACODE_UNKNOWN = "Formacode inconnu."
MAIN_SITE = "Un établissement doit avoir exactement un site principal."
URL_SCHEME = "L'adresse du site doit commencer par http:// ou https://."
NDA_REQUIRED = "Renseignez le numéro de déclaration d'activité de l'établissement avant de valider."
NDA_FORMAT = "Le numéro de déclaration d'activité comporte 11 chiffres."
REQUIRED = "Ce champ est obligatoire."
CAPACITY = "La capacité d'accueil doit être d'au moins 1 place."
POSITIVE = "Indiquez un nombre positif ou nul."
POSTAL_CODE = "Le code postal comporte 5 chiffres."
OUTSIDE_REGION = "Votre établissement doit être situé en Pays de la Loire."
DISPOSITIF_CARIF_ONLY = "Ce dispositif est saisi par le Carif-Oref."
PUBLIC_READ_ONLY = "Cette action fait partie du programme régional : elle n'est pas modifiable."
PUBLIC_PRIVATE_ONLY = "Sous une action du programme régional, seuls les dispositifs à financement privé sont possibles."
NOT_EDITABLE = "Cette action est en attente de validation par le Carif-Oref : elle n'est pas modifiable."
QUESTION_REQUIRED = "Indiquez votre question à l'organisme."
ANSWER_REQUIRED = "Indiquez votre réponse au Carif-Oref."
REASON_REQUIRED = "Indiquez le motif."

# Optimistic locking
STALE = (
    "Cette fiche a été modifiée par une autre personne depuis que vous l'avez ouverte : vos changements n'ont pas "
    "été enregistrés. Rechargez la page pour voir la version actuelle, puis recommencez."
)

# Flashes
SAVED = "L'enregistrement a bien été effectué"
SUBMITTED = "Votre saisie a été transmise au Carif-Oref pour validation."
VALIDATED = "La saisie est validée : elle sera publiée sous 24 heures."
QUESTIONED = "Votre demande de précisions a été transmise à l'organisme."
ANSWERED = "Votre réponse a été transmise au Carif-Oref."
REFUSED = "La saisie a été refusée et renvoyée à l'organisme."
CERTIFINFO_SWAPPED = "Le code Certifinfo a été remplacé."
RECORD_SUBMITTED = "Vos modifications ont été transmises au Carif-Oref : la fiche est bloquée jusqu'à leur validation."
RECORD_ACCEPTED = "Les modifications sont validées."
RECORD_REJECTED = "Les modifications sont refusées : les valeurs précédentes sont rétablies."
CLOSED_ESTABLISHMENT = "Établissement fermé selon l'INSEE : contactez le Carif-Oref."

# Tableau de bord (sofi.md §5, guide 003): its rows, by key
DASHBOARD_SECTIONS = {"actions": "Actions", "sessions": "Sessions", "sites": "Sites et contacts"}
DASHBOARD_ROWS = {
    "en-saisie": "Actions de formation en cours de saisie",
    "attente-validation": "Actions de formation en attente de validation par CARIF-OREF",
    "attente-reponses": "Actions de formation en attente de réponses",
    "certifinfo-remplace": "Actions de formation dont le code Certifinfo a été remplacé par le CARIF-OREF",
    "sessions-actives": "Sessions de formation actives",
    "sessions-bientot-inactives": "Sessions de formation inactives dans moins d'un mois",
    "sessions-inactives": "Sessions de formation inactives",
    "sessions-publiques": "Sessions de formation publiques actives",
    "annuaire-attente": "Etablissements et sites en attente de validation par le Carif-oref",
    "annuaire-actifs": "Etablissements et sites actifs",
}
DEPARTEMENT_UNKNOWN = "Choisissez un département des Pays de la Loire."

# Catalogue public
CATALOGUE_DATE = "Indiquez une date valide, au format JJ/MM/AAAA."
CATALOGUE_FORMACODE = "Aucun domaine de formation (Formacode) ne correspond à votre recherche."
CATALOGUE_PLACE = "Indiquez une commune, un code postal ou un numéro de département."

# Formations (the tunnel FASD)
DATE_INVALID = "Indiquez une date valide, au format jj/mm/aaaa."
INTEGER = "Indiquez un nombre entier."
CHOOSE_AT_LEAST_ONE = "Cochez au moins une option."
PERIOD_INCOMPLETE = "Indiquez le début et la fin de chaque période."
SEARCH_TEXT_REQUIRED = "Indiquez un intitulé, un code Certifinfo ou un code RNCP."
SEARCH_NONE = "Aucune certification ne correspond à votre recherche."
SUBMIT_REFUSED = "La saisie ne peut pas encore être transmise au Carif-Oref :"
RECORD_STATUS = {"actif": "Actif", "en_attente_validation": "En attente de validation par le Carif-Oref"}
TOO_LONG = forms.TOO_LONG_TEXT

# Annuaire
ANNUAIRE_READ_ONLY = "Seul le gestionnaire de l'autosaisie modifie l'annuaire de l'établissement."
NOTHING_TO_SUBMIT = "Aucune modification à transmettre : enregistrez d'abord vos changements."
RECORD_NOT_PENDING = "Cette fiche n'est pas en attente de validation : aucune décision n'est possible."
SITE_IN_USE = "Ce site est déjà utilisé par une action ou une session : il ne peut pas être supprimé."
SITE_CREATED = (
    "Le site est créé : il sera utilisable comme site lieu ou dispensateur après validation par le Carif-Oref."
)
CONTACT_CREATED = "Le contact est créé."
CONTACT_DELETED = "Le contact est supprimé."
EMAIL_INVALID = "Indiquez une adresse électronique valide, par exemple nom@exemple.fr."
PHONE_INVALID = forms.PHONE_TEXT

# File de validation (Carif-Oref)
ACTION_NOT_PENDING = "Aucune décision possible : cette action est « {status} »."
VALIDATION_REFUSED = "La saisie ne peut pas être validée :"
FORMATION_CREATED = "La formation hors Certifinfo est créée : ajoutez-lui ses actions depuis « Formations »."
SIRET_UNKNOWN = "Ce SIRET n'est pas celui d'un établissement des Pays de la Loire."
CERTIFINFO_FORMAT = "Le code Certifinfo est un nombre."
SINCE_INVALID = "Indiquez une date valide, au format jj/mm/aaaa."
ANNUAIRE_LABELS = {
    "nda": "N° de déclaration d'activité",
    "description": "Description",
    "domaines": "Domaine formation",
    "nom_usage": "Nom d'usage",
    "adresse": "Adresse",
    "code_postal": "Code postal",
    "commune": "Commune",
    "telephone": "Téléphone",
    "courriel": "Courriel",
    "url": "Site internet",
    "dispensateur": "Site dispensateur",
    "lieu": "Site lieu",
}
READ_ONLY_ROLE = "Votre rôle permet de consulter cette fiche, pas de la modifier."
DIFF_NEW_SESSION = "Nouvelle session"
DIFF_REMOVED_SESSION = "Session supprimée"
DIFF_LABELS = {
    "certifinfo": "Certifinfo",
    "intitule": "Intitulé",
    "complement_intitule": "Complément intitulé",
    "url": "Url vers le site de l'OF",
    "niveau_entree": "Niveau d'entrée",
    "type_parcours": "Type de parcours",
    "modalites_pedagogiques": "Modalités pédagogiques",
    "entrees_sorties": "ESP ou Dates fixes",
    "duree_centre": "Durée en centre",
    "duree_entreprise": "Durée en entreprise",
    "duree_hebdo": "Durée Hebdo",
    "commentaire_prerequis": "Commentaire pré requis",
    "dispensateur_nom": "Site dispensateur",
    "debut": "Date début",
    "fin": "Date fin",
    "lieu_nom": "Site lieu",
    "capacite": "Capacité d'accueil de la session",
    "places_disponibles": "Places disponibles",
    "rythmes": "Rythmes",
    "modalites_enseignement": "Modalités d'enseignements",
    "dispositifs": "Dispositifs",
}
FILTER_UNKNOWN = "Choisissez une valeur de la liste."
JOURNAL_EVENTS = {
    "action:submitted": "Transmise au Carif-Oref",
    "action:validated": "Validée",
    "action:questioned": "Précisions demandées",
    "action:answered": "Réponse de l'organisme",
    "action:refused": "Refusée",
    "action:reopened": "Modifiée après validation",
    "action:certifinfo:replaced": "Code Certifinfo remplacé",
    "annuaire:submitted": "Transmise au Carif-Oref",
    "annuaire:accepted": "Modifications validées",
    "annuaire:rejected": "Modifications refusées",
}
NUMBER_TOO_LARGE = "Ce nombre est trop grand."
