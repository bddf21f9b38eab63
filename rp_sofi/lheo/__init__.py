"""SOFI's Lhéo 2.2 export: reference tables (`tables`), input records (`records`), the XML writer and its
validator (`export`) with the schema it checks against (`sofi-lheo-2.2.xsd`)."""
