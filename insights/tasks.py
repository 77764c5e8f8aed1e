from celery import shared_task

from . import services


@shared_task
def platform_figures_refresh() -> int:
    return services.platform_figures_refresh()
