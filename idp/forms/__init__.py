"""WTForms forms, one module per feature; every message comes from idp.messages."""
