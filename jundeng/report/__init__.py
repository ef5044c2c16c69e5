"""Reports an office circulates (pure): numbers → a document model (:mod:`.document`) → DOCX, PDF, HTML, XLSX."""
