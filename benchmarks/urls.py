"""
The project's URLs plus ``/floor/<size>/``: a bare view returning a fixed
response of ``size`` bytes through the same middleware, so gunicorn can serve
the floor beside the real pages (benchmarks/throughput.py).
"""

from django.urls import path

from benchmarks.run import floor_view
from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [path("floor/<int:size>/", floor_view), *project_urlpatterns]
