"""e-Dokter's web pages: `citizen` (finding a poli, free places, booking, my appointments, family members;
under /dokter/), `staff` (registration desk and clinic, under /petugas/dokter/) and `board` (the
waiting-room queue board). Thin: clinics.actions decides, the views translate."""
