package auditlog

// readme is LISEZMOI-README.txt, the first thing a person opening the zip
// reads.
const readme = `PAQUET DE PREUVES D'UN DOSSIER VAE — parcours.bundle.v1
==========================================================

dossier.html      le dossier, à lire dans un navigateur
dossier.json      le même dossier, pour les logiciels
files/            les fichiers de preuve, déchiffrés (leur SHA-256 est celui
                  enregistré dans l'événement qui les a joints)
events.jsonl      tous les événements du portfolio, octet pour octet tels que
                  stockés (parties personnelles scellées comprises), chaînés
                  par hachage
proofs.json       preuve d'inclusion de chaque événement dans le journal signé,
                  et ancrage du dépôt du dossier
checkpoint.txt    point de contrôle signé du journal (format C2SP tlog-checkpoint)
public-key.txt    clé publique Ed25519 du journal
disclosure.json   les parties personnelles ouvertes des seuls événements
                  auxquels le dossier renvoie, chacune avec sa clé de partie
                  (part_key), qui n'ouvre qu'elle ; jamais la clé de la personne
manifest.json     SHA-256 de chaque élément ; manifest.sig : sa signature

Vérifier hors ligne :  parcours verify CE-PAQUET.zip --key "CLÉ"
avec la clé publiée par la plateforme (/v1/audit/public-key).

Chaque texte divulgué muni de sa clé de partie est prouvé : la vérification
ouvre avec cette clé la partie scellée de l'événement dans events.jsonl et
exige d'y trouver exactement ce texte. Une clé de partie n'ouvre que sa
partie, et pour toujours, même après l'effacement des données de la personne.
Les parties scellées avant cette version (scellement v1) n'ont pas de clé
propre : leurs textes sont seulement attestés par la signature de la
plateforme ; le rapport dit combien de parties sont prouvées et combien
attestées. Tout le reste se vérifie sans faire confiance au serveur.


EVIDENCE BUNDLE OF A VAE DOSSIER — parcours.bundle.v1
=====================================================

dossier.html      the dossier, to read in a browser
dossier.json      the same dossier, for software
files/            the evidence files, decrypted (their SHA-256 is the one
                  recorded in the event that attached them)
events.jsonl      every event of the portfolio, byte for byte as stored
                  (sealed personal parts included), hash-chained
proofs.json       each event's inclusion proof in the signed log, and the
                  dossier submission's anchor
checkpoint.txt    the log's signed checkpoint (C2SP tlog-checkpoint format)
public-key.txt    the log's Ed25519 public key
disclosure.json   the opened personal parts of only the events the dossier
                  refers to, each with its part key (part_key), which opens
                  that part only; never the person's key
manifest.json     every entry's SHA-256; manifest.sig: its signature

Verify offline:  parcours verify THIS-BUNDLE.zip --key "KEY"
with the key the platform publishes (/v1/audit/public-key).

Every disclosed text that comes with its part key is proven: verification
opens the event's sealed part in events.jsonl with that key and requires
exactly that text. A part key opens its own part only, and for good, even
after the person's data is erased. Parts sealed before this version (seal
v1) have no key of their own: their texts are only attested by the
platform's signature; the report says how many parts are proven and how
many attested. Everything else verifies without trusting the server.
`
