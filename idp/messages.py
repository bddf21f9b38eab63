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

# Portal
PORTAL_EMPTY = "Ajoutez votre première démarche depuis la liste ci-dessous"
PORTAL_NOTHING_TO_ADD = "Vous avez ajouté toutes les démarches disponibles."
PORTAL_REQUEST_INTRO = (
    "Votre demande sera transmise par email aux gestionnaires des accès de votre entreprise. "
    "Dès que l'un d'eux aura validé votre demande, vous serez informés par email."
)
PORTAL_NO_GESTIONNAIRE = (
    "Votre entreprise n'a pas encore de gestionnaire pour {service}. La première personne de l'entreprise "
    "obtient l'accès avec le code d'activation reçu par courrier (onglet « SAISIR LE CODE D'ACTIVATION ») ; "
    "si vous ne l'avez pas reçu, contactez le service en charge de la démarche. Vous pouvez aussi envoyer "
    "votre demande : elle sera transmise aux agents du ministère."
)
PORTAL_OTHER_ESTABLISHMENT = "Ce gestionnaire est un employé d'un autre établissement de votre entreprise"
PORTAL_ROLE_REQUIRED = "Sélectionnez le rôle souhaité parmi ceux proposés."
PORTAL_ESTABLISHMENT_UNKNOWN = "Ce SIRET est introuvable dans le répertoire des établissements. Vérifiez-le."
PORTAL_ESTABLISHMENT_CLOSED = "Cet établissement est fermé : l'accès ne peut pas être demandé pour ce SIRET."
PORTAL_REQUEST_ALREADY_PENDING = (
    "Vous avez déjà une demande en attente pour {service} et ce SIRET. Vous pouvez l'annuler depuis « Mes démarches »."
)
PORTAL_REQUEST_ALREADY_HABILITATED = "Vous avez déjà ce rôle pour ce SIRET."
PORTAL_REQUEST_SENT = (
    "Votre demande d'accès à {service} a été envoyée aux gestionnaires des accès de votre entreprise. "
    "Vous serez informé par email dès que l'un d'eux l'aura traitée."
)
PORTAL_REQUEST_SENT_TO_AGENTS = (
    "Votre demande d'accès à {service} a été envoyée : votre entreprise n'ayant pas de gestionnaire, "
    "elle a été transmise aux agents du ministère. Vous serez informé par email de leur décision."
)
PORTAL_REQUEST_WITHDRAWN = "Votre demande d'accès à {service} a été annulée."
PORTAL_REQUEST_ALREADY_DECIDED = "Cette demande a déjà été traitée : elle ne peut plus être annulée."
PORTAL_CODE_HINT = "Format : ABCD-EFGH-JKLM, tel qu'indiqué dans le courrier"
PORTAL_CODE_FORMAT = "Saisissez le code d'activation au format ABCD-EFGH-JKLM (12 lettres et chiffres)."
PORTAL_CODE_INVALID = (
    "Ce code d'activation n'est pas valide pour ce SIRET. Vérifiez le SIRET et le code indiqués dans le courrier."
)
PORTAL_CODE_BLOCKED = (
    "Trop de codes d'activation erronés ont été saisis. Par sécurité, la saisie est suspendue jusqu'à {until}. "
    "Vérifiez en attendant le SIRET et le code indiqués dans le courrier."
)
PORTAL_CODE_ALREADY_GESTIONNAIRE = "Vous êtes déjà gestionnaire de {service} pour ce SIRET."
PORTAL_CODE_REDEEMED = (
    "Vous êtes maintenant gestionnaire de {service} pour le SIRET {siret}. La roue dentée de la tuile "
    "vous permet de gérer les accès des personnes de votre entreprise."
)
PORTAL_CODE_HELP = (
    "Si vous ne retrouvez pas votre code d'activation, veuillez contacter le service en charge de la démarche."
)
PORTAL_NO_ACCESS_PATH = (
    "Cette démarche ne peut pas être ajoutée depuis le portail : contactez le service en charge de la démarche."
)

# « J'ai reçu une clé d'activation »: SOFI's guide says « clé » for an activation code
# ({service}: the service's name; {role}: its gestionnaire role)
ACTIVATION_CODE_TITLE = "J'ai reçu une clé d'activation"
ACTIVATION_CODE_INTRO = (
    "La clé d'activation reçue par courrier fait de vous le gestionnaire de {service} pour votre établissement "
    "(rôle « {role} ») : le compte principal qui administre la démarche et les accès de vos collaborateurs. "
    "Elle se saisit dans votre compte Mes démarches, en trois étapes."
)
ACTIVATION_CODE_STEPS = (
    "Je crée mon compte Mes démarches avec mon adresse électronique professionnelle et le SIRET de mon établissement.",
    "J'active mon compte en cliquant sur le lien reçu par courriel, puis je me connecte.",
    "Je saisis le SIRET de mon établissement et la clé d'activation reçue par courrier, au format ABCD-EFGH-JKLM.",
)
ACTIVATION_CODE_AFTER = (
    "Je peux ensuite accéder à {service} avec l'adresse électronique et le mot de passe de mon compte Mes démarches."
)
ACTIVATION_CODE_SIGNUP = "Créer mon compte"
ACTIVATION_CODE_LOGIN = "J'ai déjà un compte : me connecter"
ACTIVATION_CODE_DEFAULT_ROLE = "Gestionnaire"

# Users of a service
USERS_TITLE = "Utilisateurs du service - {service}"
USERS_NOT_GESTIONNAIRE = (
    "Seuls les gestionnaires de {service} d'une entreprise peuvent voir et gérer les accès de ses utilisateurs."
)
USERS_FOUND = "{count} Droits d'accès trouvés"
USERS_FOUND_ONE = "1 Droit d'accès trouvé"
USERS_FOUND_NONE = "Aucun droit d'accès trouvé"
USERS_SEARCH_LABEL = "Rechercher un utilisateur (SIRET, etc.)"
USERS_SEARCH_HINT = "Nom, prénom, adresse électronique ou SIRET"
USERS_PENDING = "En attente"
USERS_THIRD_PARTY_YES = "Oui"
USERS_THIRD_PARTY_NO = "Non"
USERS_ROLE_REQUIRED = "Sélectionnez un rôle dans la liste."
USERS_SIRET_REQUIRED = "Sélectionnez un établissement de votre entreprise dans la liste."
USERS_SIRET_OTHER_COMPANY = "Ce SIRET n'est pas celui d'un établissement de votre entreprise."
USERS_DATE_INVALID = "Saisissez une date valide, par exemple 31/12/2026."
USERS_END_DATE_PAST = "La date de fin doit être postérieure à aujourd'hui."
USERS_REASON_TOO_LONG = "Le motif ne peut pas dépasser 1 000 caractères."
USERS_NOT_IN_COMPANY = (
    "Aucun compte actif de votre entreprise ne correspond à cette adresse électronique. "
    "La personne doit d'abord créer son compte avec le SIRET d'un établissement de votre entreprise."
)
USERS_ALREADY_HABILITATED = "Cette personne a déjà ce rôle pour ce SIRET."
USERS_LAST_GESTIONNAIRE = (
    "Vous êtes le dernier gestionnaire de {service} pour votre entreprise : nommez d'abord un autre "
    "gestionnaire avant de retirer ce rôle."
)
USERS_ALREADY_DECIDED = "Cette demande a déjà été traitée par {decided_by} le {date}."
USERS_ALREADY_DECIDED_ANONYMOUS = "Cette demande a déjà été traitée le {date}."
USERS_ALREADY_WITHDRAWN = "Cette demande a été annulée par {requester} le {date}."
USERS_REQUEST_ACCEPTED = "La demande de {person} est validée : rôle « {role} » pour le SIRET {siret}."
USERS_REQUEST_REFUSED = "La demande de {person} est refusée. Un e-mail lui indique le motif du refus."
USERS_HABILITATION_CHANGED = "L'habilitation de {person} est modifiée. Un e-mail l'en informe."
ORGANISATION_REQUIRED = "Choisissez l'organisation pour laquelle vous agissez."
USERS_DELEGATION_CHANGED = "La délégation de {person} prend fin {end}. Un e-mail l'en informe."
USERS_HABILITATION_UNCHANGED = "Aucune modification : l'habilitation est restée telle quelle."
USERS_HABILITATION_REVOKED = "L'habilitation « {habilitation} » de {person} est supprimée. Un e-mail l'en informe."
USERS_HABILITATION_ADDED = "{person} a maintenant le rôle « {role} » pour le SIRET {siret}. Un e-mail l'en informe."
USERS_DELETE_CONFIRM = (
    "Supprimer l'habilitation « {habilitation} » de {person} ? Elle perdra cet accès dès sa prochaine "
    "connexion à {service}."
)

# Access journal ({service}: the service's name)
JOURNAL_TITLE = "Journal des accès - {service}"
JOURNAL_SYSTEM = "Mes démarches (automatique)"
JOURNAL_FOUND = "{count} événements"
JOURNAL_FOUND_ONE = "1 événement"
JOURNAL_FOUND_NONE = "Aucun événement ne correspond à ces critères."
JOURNAL_PERIOD_REVERSED = "La date de fin de période doit être postérieure à la date de début."
JOURNAL_EVENT_UNKNOWN = "Sélectionnez un type d'événement dans la liste."
JOURNAL_PERSON_TOO_LONG = "Saisissez au plus 200 caractères."
# By audit event (AuditEventType value): the events of a company's access to a service.
JOURNAL_EVENTS = {
    "habilitation:request:created": "Demande d'accès envoyée",
    "habilitation:request:withdrawn": "Demande d'accès annulée par le demandeur",
    "habilitation:request:accepted": "Demande d'accès acceptée",
    "habilitation:request:refused": "Demande d'accès refusée",
    "habilitation:request:reminded": "Rappel de la demande envoyé aux gestionnaires",
    "habilitation:request:escalated": "Demande transmise aux agents du ministère",
    "habilitation:granted": "Habilitation accordée",
    "habilitation:changed": "Habilitation modifiée",
    "habilitation:revoked": "Habilitation supprimée",
    "habilitation:denied": "Action refusée : son auteur n'est pas gestionnaire de l'entreprise",
    "delegation:invited": "Délégation proposée à un tiers",
    "delegation:invitation:resent": "Invitation de délégation renvoyée",
    "delegation:invitation:cancelled": "Invitation de délégation annulée",
    "delegation:accepted": "Délégation acceptée par le tiers",
    "delegation:declined": "Délégation refusée par le tiers",
    "delegation:renounced": "Délégation abandonnée par le tiers",
    "delegation:handed_over": "Délégation confiée à un autre collaborateur du tiers",
    "delegation:refused_to": "Invitation de délégation ouverte par une autre personne que le tiers invité",
    "habilitation:activation_code:created": "Code d'activation créé",
    "habilitation:activation_code:redeemed": "Code d'activation utilisé",
    "habilitation:activation_code:refused": "Code d'activation refusé",
    "habilitation:activation_code:blocked": "Saisie du code d'activation suspendue (trop d'essais)",
}
JOURNAL_ESCALATION_REASONS = {
    "no_gestionnaire": "l'entreprise n'a pas de gestionnaire",
    "no_answer": "sans réponse des gestionnaires sous 15 jours",
}
JOURNAL_CODE_REFUSALS = {
    "unknown": "code inconnu",
    "other_service": "code d'une autre démarche",
    "other_siret": "code d'un autre SIRET",
    "expired": "code expiré",
    "used": "code déjà utilisé",
}
JOURNAL_NO_END = "sans date de fin"
JOURNAL_END = "fin le {date}"
JOURNAL_CSV_HEADER = ("Date et heure", "Auteur", "Action", "Personne concernée", "Rôle", "SIRET", "Détail")

# Délégation d'une habilitation à un tiers (guide 004)
DELEGATION_TITLE = "Déléguer une habilitation à un tiers"
DELEGATION_CONFIRM_TITLE = "Confirmez la délégation d'habilitation à un tiers"
DELEGATION_NO_ROLE = "Aucun rôle de cette démarche ne peut être délégué à un tiers."
DELEGATION_OWN_COMPANY = (
    "Ce SIRET est celui d'un établissement de votre entreprise : pour donner un rôle à un collaborateur, "
    "utilisez « + Ajouter une nouvelle habilitation »."
)
DELEGATION_TIERS_UNKNOWN = "Ce SIRET ne correspond à aucun établissement connu. Vérifiez-le."
DELEGATION_TIERS_CLOSED = "Cet établissement est fermé : choisissez un établissement en activité."
DELEGATION_PAST_OWN_END = (
    "Votre propre habilitation de gestionnaire prend fin le {date} : la délégation ne peut pas aller au-delà."
)
DELEGATION_ALREADY_HELD = "Ce tiers a déjà ce rôle pour cet établissement de votre entreprise."
DELEGATION_INVITED = "Invitation envoyée à {email} : la délégation prendra effet quand le tiers l'aura acceptée."
DELEGATION_RESENT = "Invitation renvoyée à {email} : le lien précédent ne fonctionne plus."
DELEGATION_CANCELLED = "L'invitation envoyée à {email} est annulée : son lien ne fonctionne plus."
DELEGATION_NOT_PENDING = "Cette invitation n'est plus en attente : elle a été acceptée, refusée ou annulée."
DELEGATION_DRAFT_LOST = "Votre saisie a expiré : recommencez la délégation."
INVITATION_TITLE = "Invitation à agir pour le compte d'une entreprise"
INVITATION_UNUSABLE = (
    "Ce lien d'invitation n'est pas valable : il a déjà servi, a été annulé ou remplacé, ou a expiré. "
    "Demandez au gestionnaire qui vous a invité de vous l'envoyer à nouveau."
)
INVITATION_OTHER_PERSON = (
    "Cette invitation a été envoyée à une autre adresse électronique que celle de votre compte. "
    "Connectez-vous avec le compte de l'adresse invitée, ou demandez une invitation à votre adresse."
)
INVITATION_OTHER_COMPANY = (
    "Cette invitation est adressée à l'entreprise du SIRET {siret} : votre compte est rattaché à un autre "
    "SIRET. Créez un compte sur un établissement de cette entreprise pour l'accepter."
)
INVITATION_ACCEPTED = "Vous agissez désormais pour le compte de {company} sur {service}."
INVITATION_DECLINED = "Vous avez refusé l'invitation de {company}. Son gestionnaire en est informé."
CLIENTS_TITLE = "Mes clients"
CLIENTS_RENOUNCED = "Vous n'agissez plus pour le compte de {company} sur {service}. Son gestionnaire en est informé."
CLIENTS_RENOUNCE_CONFIRM = (
    "Vous allez renoncer à agir pour le compte de {company} sur {service} (rôle « {role} », SIRET {siret}). "
    "Pour agir à nouveau en son nom, il vous faudra une nouvelle invitation de son gestionnaire."
)
RECEIVED_TITLE = "Délégations reçues"
RECEIVED_HANDED_OVER = "{client} : la délégation est confiée à {person}. Le gestionnaire de {client} en est informé."
RECEIVED_NOT_COLLEAGUE = "Aucun compte actif de votre entreprise n'a cette adresse électronique."
RECEIVED_SAME_HOLDER = "Cette personne détient déjà cette délégation."
