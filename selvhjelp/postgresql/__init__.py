"""Django's PostgreSQL backend, whose check of a kept connection asks the socket, not the server
(``DATABASES["default"]["ENGINE"] = "selvhjelp.postgresql"``, set by the settings for PostgreSQL)."""
