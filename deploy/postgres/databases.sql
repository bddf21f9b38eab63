-- Each app owns its database (the design card): the image creates the provider's (POSTGRES_DB), these are the
-- services'. Run once, when the volume is first initialised.
CREATE DATABASE soffi;
CREATE DATABASE sofi;
CREATE DATABASE bpf;
