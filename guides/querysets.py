from django.db import models


class GuideQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)
