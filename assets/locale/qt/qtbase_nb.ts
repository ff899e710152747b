<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<!-- Norwegian Bokmål overlay for Qt's own strings (qtbase). Qt ships no qtbase_nb, so
     ui/qt_translations.py loads qtbase_nn (Nynorsk) first and this file on top of it:
     only the strings where Bokmål differs, on the dialogs Comeback opens (standard
     buttons, message boxes, print, page setup and file dialogs, text context menus).
     Compiled to qtbase_nb.qm by: python scripts/i18n.py compile -->
<TS version="2.1" language="nb_NO">
  <context>
    <name>QCupsJobWidget</name>
    <message>
      <source>Hold Indefinitely</source>
      <translation>Hold på ubestemt tid</translation>
    </message>
    <message>
      <source>Print Immediately</source>
      <translation>Skriv ut med en gang</translation>
    </message>
    <message>
      <source>Scheduled printing:</source>
      <translation>Planlagt utskrift:</translation>
    </message>
    <message>
      <source>Secret</source>
      <translation>Hemmelig</translation>
    </message>
    <message>
      <source>Specific Time</source>
      <translation>Valgt tidspunkt</translation>
    </message>
    <message>
      <source>Top Secret</source>
      <translation>Topphemmelig</translation>
    </message>
    <message>
      <source>Weekend (Saturday to Sunday)</source>
      <translation>Helg (lørdag og søndag)</translation>
    </message>
  </context>
  <context>
    <name>QCupsPrinterSupport</name>
    <message>
      <source>Authentication Needed</source>
      <translation>Krever autentisering</translation>
    </message>
    <message>
      <source>Authentication needed to use %1 on %2.</source>
      <translation>Krever autentisering for å bruke %1 på %2.</translation>
    </message>
    <message>
      <source>Authentication needed to use %1.</source>
      <translation>Krever autentisering for å bruke %1.</translation>
    </message>
    <message>
      <source>Username:</source>
      <translation>Brukernavn:</translation>
    </message>
  </context>
  <context>
    <name>QDialog</name>
    <message>
      <source>What's This?</source>
      <translation>Hva er dette?</translation>
    </message>
  </context>
  <context>
    <name>QErrorMessage</name>
    <message>
      <source>&amp;Show this message again</source>
      <translation>&amp;Vis denne meldingen igjen</translation>
    </message>
    <message>
      <source>Warning:</source>
      <translation>Advarsel:</translation>
    </message>
  </context>
  <context>
    <name>QFileDialog</name>
    <message>
      <source>%1
Directory not found.
Please verify the correct directory name was given.</source>
      <translation>%1
Fant ikke mappen.
Kontroller at du har oppgitt riktig mappenavn.</translation>
    </message>
    <message>
      <source>%1
File not found.
Please verify the correct file name was given.</source>
      <translation>%1
Fant ikke filen.
Kontroller at du har oppgitt riktig filnavn.</translation>
    </message>
    <message>
      <source>%1 already exists.
Do you want to replace it?</source>
      <translation>%1 finnes allerede.
Vil du erstatte den?</translation>
    </message>
    <message>
      <source>&amp;Choose</source>
      <translation>&amp;Velg</translation>
    </message>
    <message>
      <source>&amp;Open</source>
      <translation>&amp;Åpne</translation>
    </message>
    <message>
      <source>&amp;Rename</source>
      <translation>&amp;Gi nytt navn</translation>
    </message>
    <message>
      <source>&amp;Save</source>
      <translation>&amp;Lagre</translation>
    </message>
    <message>
      <source>'%1' is write protected.
Do you want to delete it anyway?</source>
      <translation>«%1» er skrivebeskyttet.
Vil du slette den likevel?</translation>
    </message>
    <message>
      <source>Are you sure you want to delete '%1'?</source>
      <translation>Er du sikker på at du vil slette «%1»?</translation>
    </message>
    <message>
      <source>Change to detail view mode</source>
      <translation>Bytt til detaljert visning</translation>
    </message>
    <message>
      <source>Change to list view mode</source>
      <translation>Bytt til listevisning</translation>
    </message>
    <message>
      <source>Could not delete directory.</source>
      <translation>Klarte ikke å slette mappen.</translation>
    </message>
    <message>
      <source>Create a New Folder</source>
      <translation>Lag en ny mappe</translation>
    </message>
    <message>
      <source>Detail View</source>
      <translation>Detaljert visning</translation>
    </message>
    <message>
      <source>File &amp;name:</source>
      <translation>Fil&amp;navn:</translation>
    </message>
    <message>
      <source>Forward</source>
      <translation>Frem</translation>
    </message>
    <message>
      <source>Go forward</source>
      <translation>Gå frem</translation>
    </message>
    <message>
      <source>Go to the parent directory</source>
      <translation>Gå til overordnet mappe</translation>
    </message>
    <message>
      <source>List View</source>
      <translation>Listevisning</translation>
    </message>
    <message>
      <source>List of places and bookmarks</source>
      <translation>Oversikt over steder og bokmerker</translation>
    </message>
    <message>
      <source>Look in:</source>
      <translation>Let i:</translation>
    </message>
    <message>
      <source>My Computer</source>
      <translation>Datamaskinen</translation>
    </message>
    <message>
      <source>Open</source>
      <translation>Åpne</translation>
    </message>
    <message>
      <source>Parent Directory</source>
      <translation>Overordnet mappe</translation>
    </message>
    <message>
      <source>Recent Places</source>
      <translation>Nylig brukte steder</translation>
    </message>
    <message>
      <source>Save As</source>
      <translation>Lagre som</translation>
    </message>
    <message>
      <source>Shortcut</source>
      <translation>Snarvei</translation>
    </message>
    <message>
      <source>Show &amp;hidden files</source>
      <translation>Vis &amp;skjulte filer</translation>
    </message>
    <message>
      <source>Sidebar</source>
      <translation>Sidepanel</translation>
    </message>
    <message>
      <source>Unknown</source>
      <translation>Ukjent</translation>
    </message>
  </context>
  <context>
    <name>QInputDialog</name>
    <message>
      <source>Enter a value:</source>
      <translation>Skriv inn en verdi:</translation>
    </message>
  </context>
  <context>
    <name>QLineEdit</name>
    <message>
      <source>&amp;Redo</source>
      <translation>&amp;Gjør om</translation>
    </message>
    <message>
      <source>&amp;Undo</source>
      <translation>&amp;Angre</translation>
    </message>
  </context>
  <context>
    <name>QMessageBox</name>
    <message>
      <source>Hide Details...</source>
      <translation>Skjul detaljer …</translation>
    </message>
    <message>
      <source>Show Details...</source>
      <translation>Vis detaljer …</translation>
    </message>
  </context>
  <context>
    <name>QPageSetupWidget</name>
    <message>
      <source>Custom</source>
      <translation>Egendefinert</translation>
    </message>
    <message>
      <source>Height:</source>
      <translation>Høyde:</translation>
    </message>
    <message>
      <source>Inches (in)</source>
      <translation>Tommer (in)</translation>
    </message>
    <message>
      <source>Landscape</source>
      <translation>Liggende</translation>
    </message>
    <message>
      <source>Margins</source>
      <translation>Marger</translation>
    </message>
    <message>
      <source>Page Layout</source>
      <translation>Sideoppsett</translation>
    </message>
    <message>
      <source>Page order:</source>
      <translation>Rekkefølge:</translation>
    </message>
    <message>
      <source>Page size:</source>
      <translation>Sidestørrelse:</translation>
    </message>
    <message>
      <source>Paper source:</source>
      <translation>Papirkilde:</translation>
    </message>
    <message>
      <source>Portrait</source>
      <translation>Stående</translation>
    </message>
    <message>
      <source>Reverse landscape</source>
      <translation>Omvendt liggende</translation>
    </message>
    <message>
      <source>Reverse portrait</source>
      <translation>Omvendt stående</translation>
    </message>
    <message>
      <source>Width:</source>
      <translation>Bredde:</translation>
    </message>
    <message>
      <source>bottom margin</source>
      <translation>bunnmarg</translation>
    </message>
    <message>
      <source>right margin</source>
      <translation>høyremarg</translation>
    </message>
  </context>
  <context>
    <name>QPageSize</name>
    <message>
      <source>%1 x %2 in</source>
      <translation>%1 × %2 tommer</translation>
    </message>
    <message>
      <source>Custom</source>
      <translation>Egendefinert</translation>
    </message>
    <message>
      <source>Custom (%1CC x %2CC)</source>
      <translation>Egendefinert (%1 × %2 CC)</translation>
    </message>
    <message>
      <source>Custom (%1DD x %2DD)</source>
      <translation>Egendefinert (%1 × %2 DD)</translation>
    </message>
    <message>
      <source>Custom (%1in x %2in)</source>
      <translation>Egendefinert (%1 × %2 tommer)</translation>
    </message>
    <message>
      <source>Custom (%1mm x %2mm)</source>
      <translation>Egendefinert (%1 × %2 mm)</translation>
    </message>
    <message>
      <source>Custom (%1pc x %2pc)</source>
      <translation>Egendefinert (%1 × %2 pc)</translation>
    </message>
    <message>
      <source>Custom (%1pt x %2pt)</source>
      <translation>Egendefinert (%1 × %2 punkt)</translation>
    </message>
    <message>
      <source>Executive (7.25 x 10.5 in)</source>
      <translation>Executive (7,25 × 10,5 tommer)</translation>
    </message>
    <message>
      <source>Executive (7.5 x 10 in)</source>
      <translation>Executive (7,5 × 10 tommer)</translation>
    </message>
    <message>
      <source>Fan-fold German (8.5 x 12 in)</source>
      <translation>Listepapir (Tyskland) (8,5 × 12 tommer)</translation>
    </message>
    <message>
      <source>Fan-fold German Legal (8.5 x 13 in)</source>
      <translation>Listepapir (Tyskland, Legal) (8,5 × 13 tommer)</translation>
    </message>
    <message>
      <source>Fan-fold US (14.875 x 11 in)</source>
      <translation>Listepapir (USA) (14,875 × 11 tommer)</translation>
    </message>
  </context>
  <context>
    <name>QPlatformTheme</name>
    <message>
      <source>N&amp;o to All</source>
      <translation>Nei til a&amp;lle</translation>
    </message>
    <message>
      <source>Open</source>
      <translation>Åpne</translation>
    </message>
    <message>
      <source>Save</source>
      <translation>Lagre</translation>
    </message>
    <message>
      <source>Save All</source>
      <translation>Lagre alle</translation>
    </message>
    <message>
      <source>Yes to &amp;All</source>
      <translation>Ja til &amp;alle</translation>
    </message>
  </context>
  <context>
    <name>QPrintDialog</name>
    <message>
      <source>%1 already exists.
Do you want to overwrite it?</source>
      <translation>Filen %1 finnes allerede.
Vil du overskrive den?</translation>
    </message>
    <message>
      <source>%1 does not follow the correct syntax. Please use ',' to separate ranges and pages, '-' to define ranges and make sure ranges do not intersect with each other.</source>
      <translation>%1 har ikke riktig syntaks. Bruk «,» til å skille sider og sideområder, «-» til å angi sideområder, og pass på at områdene ikke overlapper hverandre.</translation>
    </message>
    <message>
      <source>%1 is a directory.
Please choose a different file name.</source>
      <translation>%1 er en mappe.
Velg et annet filnavn.</translation>
    </message>
    <message>
      <source>&amp;Options &lt;&lt;</source>
      <translation>&amp;Valg &lt;&lt;</translation>
    </message>
    <message>
      <source>&amp;Options &gt;&gt;</source>
      <translation>&amp;Valg &gt;&gt;</translation>
    </message>
    <message>
      <source>Bottom to Top, Left to Right</source>
      <translation>Bunn til topp – venstre til høyre</translation>
    </message>
    <message>
      <source>Bottom to Top, Right to Left</source>
      <translation>Bunn til topp – høyre til venstre</translation>
    </message>
    <message>
      <source>Duplex Settings Conflicts</source>
      <translation>Konflikter ved tosidig utskrift</translation>
    </message>
    <message>
      <source>File %1 is not writable.
Please choose a different file name.</source>
      <translation>Du har ikke skrivetilgang til %1.
Velg et annet filnavn.</translation>
    </message>
    <message>
      <source>Left to Right, Bottom to Top</source>
      <translation>Venstre til høyre – bunn til topp</translation>
    </message>
    <message>
      <source>Left to Right, Top to Bottom</source>
      <translation>Venstre til høyre – topp til bunn</translation>
    </message>
    <message>
      <source>Options 'Pages Per Sheet' and 'Page Set' cannot be used together.
Please turn one of those options off.</source>
      <translation>Valgene «Sider per ark» og «Sidesett» kan ikke brukes samtidig.
Slå av ett av dem.</translation>
    </message>
    <message>
      <source>Right to Left, Bottom to Top</source>
      <translation>Høyre til venstre – bunn til topp</translation>
    </message>
    <message>
      <source>Right to Left, Top to Bottom</source>
      <translation>Høyre til venstre – topp til bunn</translation>
    </message>
    <message>
      <source>The 'From' value cannot be greater than the 'To' value.</source>
      <translation>Fra-verdien kan ikke være større enn til-verdien.</translation>
    </message>
    <message>
      <source>There are conflicts in duplex settings. Do you want to fix them?</source>
      <translation>Det er konflikter i innstillingene for tosidig utskrift. Vil du rette dem?</translation>
    </message>
    <message>
      <source>Top to Bottom, Left to Right</source>
      <translation>Topp til bunn – venstre til høyre</translation>
    </message>
    <message>
      <source>Top to Bottom, Right to Left</source>
      <translation>Topp til bunn – høyre til venstre</translation>
    </message>
  </context>
  <context>
    <name>QPrintPreviewDialog</name>
    <message>
      <source>Export to PDF</source>
      <translation>Eksporter til PDF</translation>
    </message>
    <message>
      <source>Fit page</source>
      <translation>Tilpass til siden</translation>
    </message>
    <message>
      <source>Fit width</source>
      <translation>Tilpass til bredden</translation>
    </message>
    <message>
      <source>Landscape</source>
      <translation>Liggende</translation>
    </message>
    <message>
      <source>Portrait</source>
      <translation>Stående</translation>
    </message>
    <message>
      <source>Previous page</source>
      <translation>Forrige side</translation>
    </message>
    <message>
      <source>Print Preview</source>
      <translation>Forhåndsvisning</translation>
    </message>
    <message>
      <source>Show facing pages</source>
      <translation>Vis motstående sider</translation>
    </message>
    <message>
      <source>Show single page</source>
      <translation>Vis enkeltside</translation>
    </message>
  </context>
  <context>
    <name>QPrintPropertiesDialog</name>
    <message>
      <source>Advanced Option Conflicts</source>
      <translation>Konflikter i avanserte valg</translation>
    </message>
    <message>
      <source>Job Options</source>
      <translation>Jobbvalg</translation>
    </message>
    <message>
      <source>Page Setup Conflicts</source>
      <translation>Konflikter i sideoppsett</translation>
    </message>
    <message>
      <source>Printer Properties</source>
      <translation>Skriveregenskaper</translation>
    </message>
    <message>
      <source>There are conflicts in page setup options. Do you want to fix them?</source>
      <translation>Det er konflikter i innstillingene for sideoppsett. Vil du rette dem?</translation>
    </message>
    <message>
      <source>There are conflicts in some advanced options. Do you want to fix them?</source>
      <translation>Det er konflikter i noen avanserte valg. Vil du rette dem?</translation>
    </message>
  </context>
  <context>
    <name>QPrintPropertiesWidget</name>
    <message>
      <source>There are conflicts in some options. Please fix them.</source>
      <translation>Det er konflikter i noen valg. Rett dem.</translation>
    </message>
  </context>
  <context>
    <name>QPrintSettingsOutput</name>
    <message>
      <source>Color</source>
      <translation>Farger</translation>
    </message>
    <message>
      <source>Copies</source>
      <translation>Eksemplarer</translation>
    </message>
    <message>
      <source>Copies:</source>
      <translation>Eksemplarer:</translation>
    </message>
    <message>
      <source>Current Page</source>
      <translation>Denne siden</translation>
    </message>
    <message>
      <source>Grayscale</source>
      <translation>Gråtoner</translation>
    </message>
    <message>
      <source>Long side binding</source>
      <translation>Innbinding på langsiden</translation>
    </message>
    <message>
      <source>Options</source>
      <translation>Valg</translation>
    </message>
    <message>
      <source>Output Settings</source>
      <translation>Utskriftsvalg</translation>
    </message>
    <message>
      <source>Pages from</source>
      <translation>Sider fra</translation>
    </message>
    <message>
      <source>Selection</source>
      <translation>Utvalg</translation>
    </message>
    <message>
      <source>Short side binding</source>
      <translation>Innbinding på kortsiden</translation>
    </message>
    <message>
      <source>Specify pages or ranges separated by commas. Ranges are specified by two numbers separated by a hyphen. E.g: 3,5-7,9 prints pages 3, 5, 6, 7 and 9.</source>
      <translation>Angi sider eller sideområder, skilt med komma. Et sideområde er to sidetall med bindestrek mellom. For eksempel skriver «3,5-7,9» ut side 3, 5, 6, 7 og 9.</translation>
    </message>
  </context>
  <context>
    <name>QPrintWidget</name>
    <message>
      <source>&amp;Name:</source>
      <translation>&amp;Navn:</translation>
    </message>
    <message>
      <source>Location:</source>
      <translation>Plassering:</translation>
    </message>
    <message>
      <source>P&amp;roperties</source>
      <translation>&amp;Egenskaper</translation>
    </message>
    <message>
      <source>Preview</source>
      <translation>Forhåndsvis</translation>
    </message>
    <message>
      <source>Printer</source>
      <translation>Skriver</translation>
    </message>
  </context>
  <context>
    <name>QWidgetTextControl</name>
    <message>
      <source>&amp;Redo</source>
      <translation>&amp;Gjør om</translation>
    </message>
    <message>
      <source>&amp;Undo</source>
      <translation>&amp;Angre</translation>
    </message>
    <message>
      <source>Copy &amp;Link Location</source>
      <translation>Kopier &amp;lenkeadresse</translation>
    </message>
  </context>
  <context>
    <name>QWizard</name>
    <message>
      <source>Commit</source>
      <translation>Bekreft</translation>
    </message>
    <message>
      <source>Continue</source>
      <translation>Fortsett</translation>
    </message>
  </context>
</TS>
