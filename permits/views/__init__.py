"""e-Perizinan's web pages: `public` (catalogue, tracking, SKM) and `applicant` (applying and following one's
permits); the officers' pages are in `officer`."""
