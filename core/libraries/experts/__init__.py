"""The evaluation-expert library (评标评审专家库): experts with secret identities, searchable by
specialty and region only (seed 000 Art. 20; 002 §6.6)."""
