// Package frameworks reads the open-data files of the reference
// frameworks that competences link to, into the entries of one import
// (domain.FrameworkImport):
//
//   - RNCP, from France Compétences' export: the XML one (FICHES/FICHE
//     with NUMERO_FICHE, INTITULE and BLOCS_COMPETENCES/BLOC_COMPETENCES
//     with CODE, LIBELLE and LISTE_COMPETENCES), or the CSV one (Standard:
//     Numero_Fiche, Intitule; Blocs_De_Compétences: Numero_Fiche,
//     Bloc_Competences_Code, Bloc_Competences_Libelle);
//   - ROME 4.0, from France Travail's CSV files: unix_referentiel_code_rome
//     (occupations), unix_referentiel_appellation (appellations, under
//     their occupation) and unix_referentiel_competence (competences);
//   - ESCO, from the portal's CSV download: skills_fr.csv, skills_en.csv,
//     occupations_fr.csv, occupations_en.csv (conceptUri, preferredLabel,
//     altLabels), one language a file, merged by URI.
//
// Files may come one by one or in a zip, as the publishers ship them.
// Which file is which is told by its columns (and, for ESCO, the language
// by its name). Input is bounded (MaxInput) and read once; a bad file is
// an invalid-kind domain.Error naming the file and the line, and nothing
// is imported.
package frameworks
