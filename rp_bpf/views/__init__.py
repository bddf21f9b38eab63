"""One blueprint per feature: home (« Mon activité formation »), declaration (the déclaration d'activité), bpf (the
stepper, transmission, receipts, exports), control (the control services)."""
