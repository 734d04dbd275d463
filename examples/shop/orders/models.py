from django.db import models


class Topping(models.Model):
    name = models.CharField(max_length=50)


class Order(models.Model):
    reference = models.CharField(max_length=20)
    paid = models.BooleanField(default=False)
    toppings = models.ManyToManyField(Topping)
