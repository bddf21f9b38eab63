"""Every French text of the relying-party glue, by key."""

LOGGED_OUT = "Vous êtes déconnecté de {service} et de Mes démarches."
LOGIN_REQUIRED = "Connectez-vous avec Mes démarches pour accéder à cette page."

# Callback failures: what went wrong, in words a person can act on.
ERROR_TITLE = "La connexion n'a pas abouti"
STATE_MISMATCH = (
    "La connexion n'a pas pu être vérifiée : elle a peut-être expiré, ou été commencée dans un autre onglet. "
    "Recommencez la connexion."
)
ACCESS_DENIED = "Vous avez refusé de transmettre vos informations à {service} : la connexion est annulée."
LOGIN_REQUIRED_AT_IDP = "Vous n'êtes pas connecté à Mes démarches. Connectez-vous pour accéder à {service}."
IDP_REFUSED = "Mes démarches a refusé la demande de connexion de {service}. Recommencez la connexion."
BAD_ID_TOKEN = (
    "Les informations d'identité reçues de Mes démarches n'ont pas pu être vérifiées. "
    "Par sécurité, la connexion est refusée. Recommencez la connexion."
)
IDP_UNAVAILABLE = "Le service de connexion Mes démarches ne répond pas. Réessayez dans quelques minutes."
RETRY = "Recommencer la connexion"

# require_role: the page says which role is needed and how to get it.
FORBIDDEN_TITLE = "Accès réservé"
FORBIDDEN_ROLE = "Cette page est réservée aux utilisateurs ayant le rôle {roles} pour {service}."
FORBIDDEN_HOW = (
    "Pour obtenir ce rôle, demandez l'accès à un gestionnaire de votre entreprise depuis votre espace Mes démarches."
)
FORBIDDEN_PORTAL = "Demander l'accès sur Mes démarches"
FORBIDDEN_OTHER_ESTABLISHMENT = (
    "Vous avez ce rôle pour un autre de vos établissements : changez d'établissement pour ouvrir cette page."
)

# Several establishments: the one the user works on, and the page to switch.
ESTABLISHMENTS_TITLE = "Changer d'établissement"
ESTABLISHMENTS_INTRO = (
    "Choisissez l'établissement pour lequel vous travaillez dans {service} : vous pourrez en changer à tout "
    "moment, sans vous reconnecter."
)
ESTABLISHMENT_LEGEND = "Établissement"
ESTABLISHMENT_OPTION = "SIRET {siret} (entreprise {siren})"
ESTABLISHMENT_ROLES = "Vos rôles : {roles}"
ESTABLISHMENT_REQUIRED = "Choisissez un des établissements de la liste."
ESTABLISHMENT_CHOSEN = "Vous travaillez maintenant pour l'établissement de SIRET {siret}."
ESTABLISHMENT_SUBMIT = "Choisir cet établissement"
DELEGATED = "par délégation"
DELEGATED_BY = " de {name}"
