"""Every French text the identity provider shows, by key (code, logs and comments stay in English)."""

REQUIRED = "Ce champ est obligatoire."
EMAIL_INVALID = "Saisissez une adresse électronique valide, par exemple prenom.nom@entreprise.fr."
PASSWORD_TOO_SHORT = "Le mot de passe doit contenir au minimum 12 caractères."
PASSWORD_TOO_LONG = "Le mot de passe ne peut pas dépasser 1 024 caractères."
PASSWORD_NEEDS_UPPER = "Le mot de passe doit contenir au moins une majuscule."
PASSWORD_NEEDS_LOWER = "Le mot de passe doit contenir au moins une minuscule."
PASSWORD_NEEDS_DIGIT_OR_SPECIAL = "Le mot de passe doit contenir au moins un chiffre ou un caractère spécial."
PASSWORD_TOO_COMMON = "Ce mot de passe est trop courant : choisissez-en un plus difficile à deviner."
PASSWORD_CONTAINS_EMAIL = "Le mot de passe ne doit pas contenir votre adresse électronique."
PASSWORD_MISMATCH = "Les deux mots de passe ne sont pas identiques."
PASSWORD_HINT = "Au minimum 12 caractères, dont 1 majuscule, 1 minuscule, un chiffre et/ou un caractère spécial."
CURRENT_PASSWORD_WRONG = "Le mot de passe actuel est incorrect."
PHONE_INVALID = "Saisissez un numéro de téléphone valide, par exemple 01 22 33 44 55 ou +33 1 22 33 44 55."
NAME_INVALID = "Saisissez un nom sans chiffres, de 100 caractères au plus."
CIVILITE_REQUIRED = "Sélectionnez votre civilité."
BOT_CHECK_FAILED = "Confirmez que vous n'êtes pas une machine en cochant la case."

DIRECTORY_QUERY_TOO_SHORT = "Saisissez au moins 3 caractères de la raison sociale, ou un SIRET ou un SIREN."
DIRECTORY_TOO_MANY = (
    "Plus de {count} établissements correspondent : seuls les {count} premiers sont affichés. "
    "Précisez votre recherche (ajoutez un mot, la ville) ou saisissez le SIRET."
)
DIRECTORY_NO_RESULT = "Aucun établissement ne correspond à votre recherche."
ESTABLISHMENT_REQUIRED = "Sélectionnez votre établissement dans la liste."
ESTABLISHMENT_UNKNOWN = "Cet établissement est introuvable dans le répertoire. Recherchez-le de nouveau."
ESTABLISHMENT_CLOSED = "Cet établissement est fermé : il ne peut pas être choisi."
SIREN_INVALID = "Ce numéro SIREN n'est pas valide."

SIGNUP_SESSION_LOST = "Votre saisie a expiré. Recommencez la création de votre compte."

LOGIN_FAILED = "Adresse électronique ou mot de passe incorrect."
LOGIN_BLOCKED = (
    "Trop de tentatives de connexion ont échoué pour cette adresse ou depuis votre connexion. "
    "Par sécurité, la connexion est suspendue jusqu'à {until}. Vous pouvez aussi réinitialiser "
    "votre mot de passe avec « Mot de passe oublié ? »."
)
LOGIN_NOT_ACTIVATED = (
    "Votre compte n'est pas encore activé. Nous venons de vous envoyer un nouveau lien d'activation "
    "par e-mail : cliquez dessus, puis connectez-vous."
)
LOGIN_DISABLED = "Ce compte est désactivé. Contactez l'assistance pour le réactiver."
LOGGED_OUT = "Vous êtes déconnecté."
SESSION_EXPIRED = "Votre session a expiré. Connectez-vous de nouveau."
LOGIN_REQUIRED = "Connectez-vous pour accéder à cette page."

LINK_EXPIRED = "Ce lien a expiré."
LINK_USED = "Ce lien a déjà été utilisé."
LINK_INVALID = "Ce lien n'est pas valide. Vérifiez que vous avez copié l'adresse complète depuis l'e-mail."

ACCOUNT_ACTIVATED = "Votre compte est activé. Vous pouvez maintenant vous connecter."
PASSWORD_RESET_DONE = "Votre mot de passe a été modifié. Vous pouvez vous connecter avec le nouveau mot de passe."
PASSWORD_CHANGED = "Votre mot de passe a été modifié. Vos autres sessions ont été fermées."
PROFILE_UPDATED = "Vos coordonnées ont été enregistrées."
EMAIL_CHANGE_SENT = (
    "Un lien de confirmation a été envoyé à {email}. Votre adresse changera quand vous aurez cliqué dessus."
)
EMAIL_CHANGED = "Votre adresse électronique a été modifiée."
EMAIL_SAME = "C'est déjà votre adresse électronique."
EMAIL_TAKEN_OR_SENT = EMAIL_CHANGE_SENT
