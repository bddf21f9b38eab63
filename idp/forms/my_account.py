from idp.forms.fields import civilite_field, email_field, name_field, new_password_fields, password_field, phone_field
from shared.forms import AppForm


class CoordonneesForm(AppForm):
    civilite = civilite_field()
    nom = name_field("Nom")
    prenom = name_field("Prénom")
    telephone = phone_field()


class ChangePasswordForm(AppForm):
    current = password_field("Mot de passe actuel")
    password, confirm = new_password_fields()


class ChangeEmailForm(AppForm):
    email = email_field("Nouvelle adresse électronique")
    # Its own id: the password form on the same page already has a field "current" (labels, error ids).
    current = password_field("Mot de passe actuel", id="email_current")
